"""Readers of the data councils hold and DfE publishes, into arrays the methods take.

* :mod:`.dfe`: DfE's local-authority CSV files (wide layouts, suppression symbols);
* :mod:`.ees`: DfE's long-format local-authority files (explore education statistics);
* :mod:`.lait`: DfE's LAIT database (the tool's BDS long table);
* :mod:`.suppression`: the markers published in place of a number, read as missing and counted;
* :mod:`.ssda903`: the SSDA903 return of every looked-after child's episodes, read as DfE's
  guide defines it (:mod:`.ssda903_rules`);
* :mod:`.lookup`: membership tests of codes and keys by lookup, at a return's sizes.
"""
