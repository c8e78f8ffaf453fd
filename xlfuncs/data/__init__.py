"""Readers of the data councils hold and DfE publishes, into arrays the methods take.

* :mod:`.dfe`: DfE's local-authority CSV files (long and wide layouts, suppression symbols);
* :mod:`.ssda903`: the SSDA903 return of every looked-after child's episodes.
"""
