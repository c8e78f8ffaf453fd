"""Reading and writing .xlsx packages without trusting them.

* :mod:`.package`: opening a package safely (zip bombs, entities, encryption) and listing its
  parts, names and links;
* :mod:`.refs`: cell references and column letters;
* :mod:`.shared_strings`: the shared-strings table;
* :mod:`.cells`: every cell's constant or formula, for the engine;
* :mod:`.writer`: cached values written into a copy; :mod:`.zipwrite`, :mod:`.atomic`: writing
  files whole or not at all; :mod:`.csv_safety`: CSV cells that no spreadsheet runs.
"""
