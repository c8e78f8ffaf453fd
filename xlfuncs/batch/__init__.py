"""One template, many input sets: ``xlfuncs batch`` (:mod:`.runner`)."""

from xlfuncs.batch.runner import BatchResult, run_batch

__all__ = ["BatchResult", "run_batch"]
