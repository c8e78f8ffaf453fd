"""The Excel face: how each method is called from a cell.

* :mod:`.registry`: one declaration per function (name, argument docs, coercion, errors);
* :mod:`.catalog`: the declarations, one module per family;
* :mod:`.coercion`: what a cell or range becomes before a method sees it;
* :mod:`.errors`: Excel's error values and the one way a call fails;
* :mod:`.xlwings_udfs`: the xlwings adapter (classic add-in and Office.js), also importable
  as :mod:`xlfuncs.udfs`; :mod:`.addin`: setting up the classic add-in;
* :mod:`.docs`: the function reference generated from the registry.
"""
