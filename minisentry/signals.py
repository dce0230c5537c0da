"""Signals the pipeline sends once a batch is stored (its index transaction committed).

- ``issue_created(sender=Issue, issue_id, event_id)``: a new issue; ``event_id`` is the event
  (32 hex) that created it.
- ``issue_regressed(sender=Issue, issue_id, event_id)``: a resolved issue got an event and was
  reopened; ``event_id`` is the batch's earliest event of the issue, the one that reopened it.

The event has a row unless an error storm counted it without storing it. Receivers run in the
thread that stored the batch (the writer's, usually): they should be quick and queue anything
slow, as minisentry's alerts do. An exception of a receiver is logged (by ``send_robust``) and
never reaches the writer."""

from django.dispatch import Signal

issue_created = Signal()
issue_regressed = Signal()
