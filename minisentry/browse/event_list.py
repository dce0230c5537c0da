"""An issue's events list: its filters (user, release, environment, server, any tag) and its pages.

The user, release, environment, server, level and transaction of an event are columns of its row,
so filtering by them is a query. Other tags live only in the event's JSON: filtering by one of them
reads the blobs of the newest ``SCAN_LIMIT`` events (that match the column filters) and says so.
"""

from dataclasses import dataclass, fields

from django.core.paginator import Paginator
from django.db.models import Window
from django.db.models.functions import RowNumber
from django.http import QueryDict
from django.utils.translation import gettext as _

from ..backends import BlobMissing, InvalidBackendError
from ..models import Event, Issue, IssueTag
from ..processing.prepare import tags
from .queries import ListTimeout, column_length, time_limit

EVENTS_PER_PAGE = 50
SCAN_LIMIT = 100  # newest events whose JSON a filter by a tag without a column reads
MAX_FILTERED = 10_000  # matching events a column filter counts and pages through
CHOICES = 50  # suggested values per filter, the issue's most frequent ones
# tag key -> Event column
TAG_COLUMNS = {"user": "user", "release": "release", "environment": "environment", "server_name": "server_name",
               "level": "level", "transaction": "transaction"}


# the longest value of each filter that can match: its column's length (a tag's key:value)
LENGTHS = {"user": column_length(Event, "user"), "release": column_length(Event, "release"),
           "environment": column_length(Event, "environment"), "server": column_length(Event, "server_name"),
           "tag": column_length(IssueTag, "key") + 1 + column_length(IssueTag, "value") + 2}  # + ':' and quotes


@dataclass(frozen=True)
class EventFilter:
    """The events list's filters, read from the query string (``server`` is the ``server_name`` tag;
    ``tag`` is ``key:value``)."""

    user: str = ""
    release: str = ""
    environment: str = ""
    server: str = ""
    tag: str = ""

    @classmethod
    def from_params(cls, params) -> "EventFilter":
        return cls(**{f.name: params.get(f.name, "").replace("\x00", "").strip()[:LENGTHS[f.name]]
                      for f in fields(cls)})

    @property
    def tag_pair(self) -> tuple[str, str] | None:
        key, colon, value = self.tag.partition(":")
        return (key.strip(), value.strip().strip('"')) if colon and key.strip() and value.strip() else None

    @property
    def columns(self) -> dict[str, str]:
        """Event column -> value the rows must have (the tag too when it has a column)."""
        wanted = {"user": self.user, "release": self.release, "environment": self.environment,
                  "server_name": self.server}
        pair = self.tag_pair
        if pair and pair[0] in TAG_COLUMNS:
            wanted[TAG_COLUMNS[pair[0]]] = pair[1]
        return {column: value for column, value in wanted.items() if value}

    @property
    def scanned_tag(self) -> tuple[str, str] | None:
        """The tag to look for in the events' JSON: one without a column."""
        pair = self.tag_pair
        return pair if pair and pair[0] not in TAG_COLUMNS else None

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def params(self) -> str:
        query = QueryDict(mutable=True)
        for f in fields(self):
            if value := getattr(self, f.name):
                query[f.name] = value
        return query.urlencode()


def event_tags(event: Event) -> dict[str, str] | None:
    """The tags of a stored event as the issue's tag counts have them; ``None`` when its JSON is gone."""
    try:
        data = event.load()
    except (BlobMissing, InvalidBackendError):
        return None
    return dict(tags(data))


def scan(events, key: str, value: str) -> list[Event]:
    """Of the newest ``SCAN_LIMIT`` of ``events``, the ones whose JSON has the tag ``key:value``."""
    return [event for event in events[:SCAN_LIMIT] if (event_tags(event) or {}).get(key) == value]


def choices(issue: Issue) -> dict[str, list[str]]:
    """The issue's most frequent values of each column-backed filter, for the form's suggestions."""
    keys = {"user": "user", "release": "release", "environment": "environment", "server_name": "server"}
    ranked = (IssueTag.objects.filter(issue=issue, key__in=keys)
              .annotate(rank=Window(RowNumber(), partition_by="key", order_by=("-count", "value")))
              .filter(rank__lte=CHOICES).order_by("key", "rank").values_list("key", "value"))
    result = {name: [] for name in keys.values()}
    for key, value in ranked:
        result[keys[key]].append(value)
    return result


def events_context(issue: Issue, params) -> dict:
    """What the events list of ``issue`` shows for the query string ``params``: ``page``, ``filters``,
    ``notices``, ``choices``, the filters' own query string ``params`` (for the page links) and, unfiltered,
    ``stored`` (the stored events, counted up to ``MAX_FILTERED``: "10,000+" past it)."""
    filters = EventFilter.from_params(params)
    events = Event.objects.filter(issue=issue, **filters.columns).order_by("-timestamp", "-event_id")
    number, notices, stored = params.get("page"), [], ""
    if pair := filters.scanned_tag:
        found = scan(events, *pair)
        notices.append(_("%(key)s is not stored per event: searched the newest %(n)d events' JSON, "
                         "%(found)d have %(key)s:%(value)s.") % {
            "key": pair[0], "value": pair[1], "n": SCAN_LIMIT, "found": len(found)})
        page = Paginator(found, EVENTS_PER_PAGE).get_page(number)
    else:  # pages of the rows there are (not of Issue.event_count: sampled-out and deleted events have none)
        try:
            with time_limit(Event):
                page = Paginator(events[:MAX_FILTERED], EVENTS_PER_PAGE).get_page(number)
                page.object_list = list(page.object_list)
        except ListTimeout:
            page = Paginator([], EVENTS_PER_PAGE).get_page(1)
            notices.append(_("The filter took too long and was stopped: narrow it down."))
        count = page.paginator.count
        if count >= MAX_FILTERED:
            shown = _("Showing the newest %(n)s matching events.") if filters.active else _(
                "Showing the newest %(n)s stored events: filter them to reach older ones.")
            notices.append(shown % {"n": f"{MAX_FILTERED:,}"})
        if not filters.active and count < issue.event_count:
            stored = f"{count:,}" if count < MAX_FILTERED else f"{MAX_FILTERED:,}+"
    return {"page": page, "filters": filters, "notices": notices, "choices": choices(issue),
            "params": filters.params(), "stored": stored}
