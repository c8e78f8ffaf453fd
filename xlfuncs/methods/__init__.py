"""The pure methods: what a council's question is answered with.

Each module is one family of published methods (forecasting, cost-benefit, unit costs, spend
variation, the SSDA903 stock-flow model), written as small vectorised numpy functions with
the formula, its source and its Excel equivalent under Notes. Nothing here knows of Excel,
xlwings or files: a method takes arrays and raises an :mod:`xlfuncs.methods.errors` error that
names the argument at fault. The Excel face of each method is declared in
:mod:`xlfuncs.excel.catalog`.
"""
