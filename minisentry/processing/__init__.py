"""Processing, on the writer thread: parse, validate and scrub an event, group it (``grouping``),
take its index fields and compress it (``prepare``, ``scrubbing`` and its ``prescan``, ``codec``).
Next: ``storage``."""
