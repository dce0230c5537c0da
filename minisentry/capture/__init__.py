"""Capture: the ``before_send`` hook (``hook``), the writer thread that batches what it queues and
runs the pipeline on it (``writer``, through ``stages``), and the spool that keeps what could not
be stored (``spool``, ``replay``). Next: ``pipeline``."""
