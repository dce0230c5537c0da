"""Storage: a batch's blobs through its blob store (``backends``), then its index rows in one
transaction (``save``, ``index``); blob keys (``blobkeys``). Read by ``browse`` and ``ops``."""
