"""The template workbooks, built by ``xlfuncs templates`` (installed as ``xlfuncs.workbooks``)."""
