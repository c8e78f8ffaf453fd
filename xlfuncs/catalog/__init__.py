"""Excel declarations, one module per family; each module calls :func:`xlfuncs.registry.register`.

Every module here is imported by :func:`xlfuncs.registry.functions`.
"""
