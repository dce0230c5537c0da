"""The queryable index. Raw event JSON never lives here: it is in the blob store."""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .backends import BlobMissing
from .backends.database import EventBlob
from .backends.keys import blob_key
from .fields import LENGTH, EventIdField, EventTimeField, Level
from .storage.reader import Reader, locate

__all__ = ["Activity", "ApiToken", "Counter", "Event", "EventBlob", "Issue", "IssueHash", "IssueHourlyCount",
           "IssueTag", "Level", "MergedIssue", "Project", "ProjectKey", "Segment"]

DEFAULT_PROJECT = "site"  # slug of the project the in-process hook writes to ("This site", migration 0009)


def new_public_key() -> str:
    return secrets.token_hex(16)


class Project(models.Model):
    """Where issues belong: the site itself (the default project) or a service, app or browser
    bundle reporting over a DSN."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    allowed_origins = models.TextField(
        blank=True,
        help_text=_("Origins whose browsers may report, one per line (https://example.com); "
                    "empty: the site's own ALLOWED_HOSTS; * for any."),
    )
    rate_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Events per minute the endpoint accepts for the project; empty: no limit.")
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def default_project_id() -> int:
    """The default project's id, creating it when missing (a test database flushed, say)."""
    return Project.objects.get_or_create(slug=DEFAULT_PROJECT, defaults={"name": "This site"})[0].pk


class ProjectKey(models.Model):
    """A public key (a DSN's user part) that lets SDKs report to a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="keys")
    public_key = models.CharField(max_length=32, unique=True, default=new_public_key, editable=False)
    label = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True, help_text=_("A disabled key's events are refused (403)."))
    rate_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Events per minute the endpoint accepts with this key; empty: no limit.")
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["project", "created"]

    def __str__(self) -> str:
        return self.label or self.public_key

    def dsn(self, base_url: str) -> str | None:
        """The DSN an SDK takes (``http://<key>@<host>/minisentry/<project id>``) on the site at
        ``base_url`` (its scheme and host); None while ``minisentry.ingest.urls`` is not mounted."""
        try:
            path = reverse("minisentry_ingest:envelope", args=[self.project_id])
        except NoReverseMatch:
            return None
        prefix = path[:-len(f"api/{self.project_id}/envelope/")]
        site = urlsplit(base_url)
        return f"{site.scheme or 'http'}://{self.public_key}@{site.netloc}{prefix}{self.project_id}"


class Issue(models.Model):
    class Status(models.TextChoices):
        UNRESOLVED = "unresolved", _("unresolved")
        RESOLVED = "resolved", _("resolved")
        IGNORED = "ignored", _("ignored")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="issues", default=default_project_id)
    fingerprint = models.CharField(max_length=32, help_text=_("The issue's primary grouping hash."))
    title = models.CharField(max_length=LENGTH["title"])
    culprit = models.CharField(max_length=LENGTH["culprit"], blank=True)
    message = models.TextField(blank=True, help_text=_("Message of the latest event, for search."))
    level = models.CharField(max_length=LENGTH["level"], choices=Level.choices, default=Level.ERROR)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UNRESOLVED)
    is_regression = models.BooleanField(
        default=False, help_text=_("An event arrived after the issue was resolved.")
    )
    platform = models.CharField(max_length=LENGTH["platform"], blank=True)
    grouped_by = models.CharField(
        max_length=LENGTH["grouped_by"], blank=True, help_text=_("Why events share this issue.")
    )
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    event_count = models.BigIntegerField(default=0)
    environment = models.CharField(max_length=LENGTH["environment"], blank=True)
    release = models.CharField(max_length=LENGTH["release"], blank=True)
    first_release = models.CharField(max_length=200, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    regressed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When an event last reopened the resolved issue.")
    )
    regressed_release = models.CharField(
        max_length=200, blank=True, help_text=_("Release of the event that last reopened it.")
    )
    user_count = models.BigIntegerField(
        default=0, help_text=_("Distinct users affected (user id, else username, email, IP).")
    )
    sampled_out = models.BigIntegerField(
        default=0,
        help_text=_("Events counted during an error storm but stored without a row or a blob."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Ignored until any of these is met (none: forever); the issue then comes back unresolved.
    ignore_until = models.DateTimeField(null=True, blank=True)
    ignore_until_events = models.BigIntegerField(
        null=True, blank=True, help_text=_("Comes back when its event count reaches this.")
    )
    ignore_until_users = models.BigIntegerField(
        null=True, blank=True, help_text=_("Comes back when its user count reaches this.")
    )
    ignore_rate = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Comes back when more than this many events arrive in an hour.")
    )
    # Resolved now (empty), in the next release, or in a given release: only an event from a newer
    # release (next) or from that release or a newer one reopens it.
    resolved_in = models.CharField(
        max_length=16, blank=True, choices=[("", _("now")), ("next_release", _("the next release")),
                                            ("release", _("a release"))],
    )
    resolved_release = models.CharField(max_length=LENGTH["release"], blank=True)

    class Meta:
        ordering = ["-last_seen"]
        constraints = [
            models.UniqueConstraint(fields=["project", "fingerprint"], name="ms_issue_project_fingerprint")
        ]
        indexes = [
            # the issue list's sorts, each with its tie-breaker: an index without it makes the
            # database sort every issue with the same count before taking a page
            models.Index(fields=["status", "-last_seen", "-id"], name="ms_issue_status_last_id"),
            models.Index(fields=["status", "-first_seen", "-id"], name="ms_issue_status_first_id"),
            models.Index(fields=["status", "-event_count", "-id"], name="ms_issue_status_count_id"),
            models.Index(fields=["status", "-user_count", "-id"], name="ms_issue_status_users_id"),
            models.Index(fields=["-last_seen", "-id"], name="ms_issue_last_id"),
            # the issue list's environment and release choices (SELECT DISTINCT) read only these
            models.Index(fields=["environment"], name="ms_issue_environment"),
            models.Index(fields=["release"], name="ms_issue_release"),
        ]

    def __str__(self) -> str:
        return self.title


class IssueHash(models.Model):
    """Every grouping hash known for an issue; an event joins the issue of its project owning any
    of its hashes."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", db_index=False)
    hash = models.CharField(max_length=32)
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="hashes")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "hash"], name="ms_issuehash_unique")]

    def __str__(self) -> str:
        return self.hash


class MergedIssue(models.Model):
    """An issue merged into another: its old id, so that its URLs lead to the one it joined."""

    id = models.BigIntegerField(primary_key=True)
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="merged")

    def __str__(self) -> str:
        return f"{self.id} -> {self.issue_id}"


class Activity(models.Model):
    """One entry of an issue's history: a change of status, assignee or grouping, or a note."""

    class Kind(models.TextChoices):
        RESOLVED = "resolved", _("resolved")
        UNRESOLVED = "unresolved", _("unresolved")
        IGNORED = "ignored", _("ignored")
        REGRESSED = "regressed", _("regressed")
        CAME_BACK = "came_back", _("came back")
        ASSIGNED = "assigned", _("assigned")
        MERGED = "merged", _("merged")
        UNMERGED = "unmerged", _("unmerged")
        NOTE = "note", _("note")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="activity", db_index=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True, help_text=_("A note's text (plain)."))
    data = models.JSONField(default=dict, blank=True, help_text=_("What changed: condition, release, event…"))
    edited = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["issue", "-created", "-id"], name="ms_activity_issue")]
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.kind} on {self.issue_id}"


class ApiToken(models.Model):
    """A staff user's token for the API (``Authorization: Bearer sntryu_…``); only its digest is kept."""

    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True, editable=False, help_text=_("SHA-256 of the token."))
    prefix = models.CharField(max_length=16, editable=False, help_text=_("Its first characters, to recognise it."))
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    label = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.label or f"{self.prefix}…"


class Event(models.Model):
    event_id = EventIdField(primary_key=True)
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events", db_index=False)
    timestamp = EventTimeField()
    level = models.CharField(max_length=LENGTH["level"], choices=Level.choices, default=Level.ERROR)
    environment = models.CharField(max_length=LENGTH["environment"], blank=True)
    release = models.CharField(max_length=LENGTH["release"], blank=True)
    server_name = models.CharField(max_length=LENGTH["server_name"], blank=True)
    transaction = models.CharField(max_length=LENGTH["transaction"], blank=True)
    user = models.CharField(
        max_length=LENGTH["user"], blank=True,
        help_text=_("The event's user as its tag reads: id:…, else username:…, email:… or ip:…."),
    )
    message = models.CharField(
        max_length=LENGTH["event_message"], blank=True,
        help_text=_("The event's own message or exception value, on one line (empty for events stored before it)."),
    )
    handled = models.BooleanField(
        null=True, blank=True,
        help_text=_("Whether the SDK handled the exception (its mechanism's handled); unknown if it did not say."),
    )
    backend = models.CharField(
        max_length=64, blank=True,
        help_text=_("Alias of the blob store holding the JSON as a blob of its own; empty in a segment."),
    )
    segment = models.ForeignKey(
        "Segment", null=True, blank=True, on_delete=models.PROTECT, related_name="events",
        help_text=_("The blob holding this event among its batch's; none for a blob of its own."),
    )
    blob_offset = models.PositiveIntegerField(null=True, blank=True, help_text=_("Where it starts in its segment."))
    blob_size = models.PositiveIntegerField(help_text=_("Compressed bytes in the blob store."))
    raw_size = models.PositiveIntegerField(help_text=_("Bytes of the event's JSON."))

    class Meta:
        ordering = ["-timestamp"]
        indexes = [
            # ascending: an issue's new events go at the end of its range, where PostgreSQL's
            # B-tree splits pages full (descending, half-full pages cost 20 B an event)
            models.Index(fields=["issue", "timestamp"], name="ms_event_issue_time"),
            models.Index(fields=["timestamp"], name="ms_event_time"),
        ]

    def __str__(self) -> str:
        return self.event_id

    @property
    def blob_key(self) -> str:
        """Key of the blob holding the event: its segment's, else derived from the validated
        event_id and the event's UTC date, never from raw input."""
        return self.segment.key if self.segment_id else blob_key(self.event_id, self.timestamp)

    def load(self) -> dict:
        """The event JSON as the SDK produced it, less what server-side scrubbing replaced
        (``[Filtered]``, noted in ``_meta``); raises BlobMissing when it is gone or unreadable."""
        if self.segment_id is None:
            where = locate(self.event_id, self.timestamp, self.backend, None, None, None, None, self.blob_size,
                           self.raw_size)
        else:
            try:
                segment = self.segment
            except Segment.DoesNotExist:  # deleted with the event since this row was read
                raise BlobMissing(f"segment {self.segment_id}") from None
            where = locate(self.event_id, self.timestamp, "", segment.backend, segment.key, segment.size,
                           self.blob_offset, self.blob_size, self.raw_size)
        return Reader().load(where)


class SampledEvent(models.Model):
    """An event an error storm counted without a row or a blob: its id, so that it counts once
    however often it is sent. Forgotten with the events past ``max_age_days`` (``minisentry_cleanup``)."""

    event_id = EventIdField(primary_key=True)
    timestamp = EventTimeField()

    def __str__(self) -> str:
        return self.event_id


class Segment(models.Model):
    """One blob holding a batch's events as consecutive, independent zstd frames."""

    backend = models.CharField(max_length=64, help_text=_("Alias of the blob store holding it."))
    key = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField(help_text=_("Bytes of the blob, live events or not."))
    created = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class IssueTag(models.Model):
    """How many events of an issue carried each tag value."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="tags", db_index=False)
    key = models.CharField(max_length=LENGTH["tag_key"])
    value = models.CharField(max_length=LENGTH["tag_value"])
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "key", "value"], name="ms_issuetag_unique")
        ]
        # the issue list's tag filters (environment=, release=, key:value) count matching issues
        indexes = [models.Index(fields=["key", "value", "issue"], name="ms_issuetag_lookup")]


class IssueHourlyCount(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="hourly_counts", db_index=False)
    hour = models.DateTimeField()
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "hour"], name="ms_hourly_unique")
        ]


class Counter(models.Model):
    """Process-wide tallies kept durable, e.g. events dropped because the queue was full."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
