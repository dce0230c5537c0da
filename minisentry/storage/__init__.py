"""Storage: a batch's blobs through its blob store (``backends``), then its index rows in one
transaction (``save``, ``index``); segments, zstd dictionaries in the stores (``dictionaries``) and
the one reader of events' bytes (``reader``). Read by ``browse`` and ``ops``."""
