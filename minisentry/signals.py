"""Signals the pipeline sends once a batch is stored (its index transaction committed).

- ``issue_created(sender=Issue, issue_id, event_id)``: a new issue; ``event_id`` is the event
  (32 hex) that created it.
- ``issue_regressed(sender=Issue, issue_id, event_id)``: a resolved issue got an event and was
  reopened; ``event_id`` is the batch's earliest event of the issue, the one that reopened it.

Sent by the triage actions (browse pages, both frames, and the API), after their transaction commits:

- ``issue_resolved(sender=Issue, issue_id, user, resolved_in, release)``: resolved by ``user`` (the
  acting user; None for a command); ``resolved_in`` is
  ``""`` (now), ``"next_release"`` or ``"release"``, ``release`` the release it names.
- ``issue_assigned(sender=Issue, issue_id, user, assignee)``: ``assignee`` is the user now assigned
  (None: unassigned), ``user`` who did it.
- ``note_added(sender=Issue, issue_id, user, activity_id)``: a note (an ``Activity`` of kind
  ``note``) was added by ``user``.

The event has a row unless an error storm counted it without storing it. Receivers run in the
thread that stored the batch (the writer's, usually): they should be quick and queue anything
slow, as minisentry's alerts do. An exception of a receiver is logged (by ``send_robust``) and
never reaches the writer."""

from django.dispatch import Signal

issue_created = Signal()
issue_regressed = Signal()
issue_resolved = Signal()
issue_assigned = Signal()
note_added = Signal()
