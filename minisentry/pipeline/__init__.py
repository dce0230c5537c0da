"""The pipeline: the one path every event takes, whether the writer thread (``capture``), the
spool's replay or an ingest endpoint hands it over — prepare → store → after-store.

- ``prepare(payload)``: parse, validate, scrub, group, sample error storms, take the index
  fields and compress (``processing``), into an :class:`~minisentry.processing.prepare.EventRecord`;
- ``store(records)``: the batch's segment, then its index transaction (``storage``); then the
  storm sampler's count of what it stored without a row;
- after-store: ``minisentry.signals`` (``issue_created``, ``issue_regressed``), sent once the
  index transaction committed; alerts are one of their receivers (connected in ``apps.py``).

``run(payloads)`` does all three for a batch in the calling thread. They are in ``steps`` (which
uses the models), so the package itself imports nothing: ``minisentry`` is importable from
``settings.py``. Next: ``processing``, ``storage``."""
