"""Reference engines xlfuncs is checked and benchmarked against (LibreOffice headless)."""
