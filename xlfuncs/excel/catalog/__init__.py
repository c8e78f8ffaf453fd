"""Excel declarations, one module per family; each module calls :func:`xlfuncs.excel.registry.register`.

Every module here is imported by :func:`xlfuncs.excel.registry.functions`.
"""
