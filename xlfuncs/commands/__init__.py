"""Sub-commands of the ``xlfuncs`` command line, one module each (see :mod:`xlfuncs.cli`)."""
