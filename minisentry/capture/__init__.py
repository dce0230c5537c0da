"""Capture: the ``before_send`` hook (``hook``), the writer thread that batches what it queues
(``writer``, running ``stages``), and the spool that keeps what could not be stored (``spool``,
``replay``). Next: ``processing``."""
