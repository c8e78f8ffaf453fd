"""The bundled synthetic samples (installed as ``xlfuncs.samples``; see README.md)."""
