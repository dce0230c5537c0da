"""Merging issues into one, and unmerging grouping hashes into a new issue, as Sentry does.

Each runs in one write transaction that first takes the grouping lock alone
(``storage.issues.hold_grouping``: every index transaction shares it from before it reads the hash
table until it commits), then locks the issues' rows in id order, as the writer does. Rows move
and counts are added or subtracted in that transaction, so they stay exact while writers store
events of the same issues. A merged issue's id becomes a ``MergedIssue`` row: its URLs lead to
the issue it joined. Later events follow the hash table, so a merge lasts."""

from collections import Counter
from collections.abc import Iterable

from django.db.models import Sum
from django.utils.translation import gettext as _

from ..models import (
    Activity,
    Event,
    Issue,
    IssueHash,
    IssueHourlyCount,
    IssueTag,
    MergedIssue,
)
from ..storage.index import database, hour, upsert_add, write_transaction
from ..storage.issues import DESCRIPTIVE, hold_grouping
from .hashes import describe, event_tags

MAX_MERGE = 100  # issues merged at once


class MergeRefused(ValueError):
    """Why a merge or an unmerge cannot be done, in words for the user."""


def survivor(issues: Iterable[Issue]) -> Issue:
    """The issue the others merge into: the one with the most events, of equals the newest, as
    Sentry picks (its ``handle_merge`` sorts by times seen, then id)."""
    return max(issues, key=lambda issue: (issue.event_count, issue.pk))


def merge(issues: Iterable[Issue], user) -> Issue:
    """Merge ``issues`` (two or more, of one project) into their ``survivor``, which is returned:
    hashes, events, activity, hourly and tag counts move to it; its counts are the sums, its
    first and last seen the earliest and latest; the others are deleted, their ids kept as
    ``MergedIssue`` rows. Raises ``MergeRefused``."""
    ids = sorted({issue.pk for issue in issues})
    if len(ids) < 2:
        raise MergeRefused(_("Select at least two issues to merge."))
    if len(ids) > MAX_MERGE:
        raise MergeRefused(_("Merge at most %(n)d issues at once.") % {"n": MAX_MERGE})
    using = database()
    with write_transaction(using) as connection:
        hold_grouping(connection, exclusive=True)
        locked = list(Issue.objects.using(using).filter(pk__in=ids).order_by("pk").select_for_update())
        if len(locked) < len(ids):
            raise MergeRefused(_("An issue was deleted or merged meanwhile: select again."))
        if len({issue.project_id for issue in locked}) > 1:
            raise MergeRefused(_("Only issues of one project can be merged."))
        target = survivor(locked)
        others = [issue for issue in locked if issue.pk != target.pk]
        moved = [issue.pk for issue in others]
        hashes = list(IssueHash.objects.using(using).filter(issue_id__in=moved).order_by("pk")
                      .values_list("hash", flat=True))
        for model in (IssueHash, Event, Activity, MergedIssue):  # MergedIssue: ids merged into them before
            model.objects.using(using).filter(issue_id__in=moved).update(issue_id=target.pk)
        MergedIssue.objects.using(using).bulk_create(MergedIssue(id=pk, issue_id=target.pk) for pk in moved)
        _move_counts(connection, IssueHourlyCount, ("hour",), moved, target.pk)
        _move_counts(connection, IssueTag, ("key", "value"), moved, target.pk)
        Issue.objects.using(using).filter(pk__in=moved).delete()
        _absorb(target, others)
        target.user_count = _users(using, target.pk)
        target.save(using=using, update_fields=["event_count", "sampled_out", "first_seen", "last_seen",
                                                "first_release", "user_count", *DESCRIPTIVE])
        Activity.objects.using(using).create(issue=target, kind=Activity.Kind.MERGED, user=_actor(user), data={
            "issues": moved, "titles": [issue.title for issue in others], "hashes": hashes,
        })
    return target


def _move_counts(connection, model, keys: tuple[str, ...], sources: list[int], target: int) -> None:
    """Add the ``sources``' count rows of ``model`` to ``target``'s by ``keys``, then delete them."""
    rows = model.objects.using(connection.alias).filter(issue_id__in=sources).values(*keys).annotate(n=Sum("count"))
    upsert_add(connection, model, ("issue_id", *keys), "count",
               {(target, *(row[key] for key in keys)): row["n"] for row in rows})
    model.objects.using(connection.alias).filter(issue_id__in=sources).delete()


def _absorb(target: Issue, others: list[Issue]) -> None:
    """The merged issue's counters and times; its title and the like are the newest event's, as
    the writer keeps them."""
    everyone = [target, *others]
    oldest = min(everyone, key=lambda issue: issue.first_seen)
    newest = max(everyone, key=lambda issue: issue.last_seen)
    target.event_count = sum(issue.event_count for issue in everyone)
    target.sampled_out = sum(issue.sampled_out for issue in everyone)
    target.first_seen, target.first_release = oldest.first_seen, oldest.first_release
    target.last_seen = newest.last_seen
    for name in DESCRIPTIVE:
        setattr(target, name, getattr(newest, name))


def unmerge(issue: Issue, hashes: Iterable[str], user) -> Issue:
    """Move ``hashes`` (some, not all, of the issue's) to a new issue, which is returned, with the
    stored events grouped by them first (their primary hash): the events' exact counts (hourly,
    tags, users) leave the issue with them. Events an error storm counted without storing them
    have no row saying which hash grouped them: they stay counted on the issue, as do its first
    and last seen. Raises ``MergeRefused``."""
    hashes = list(dict.fromkeys(hashes))
    if not hashes:
        raise MergeRefused(_("Select the hashes to unmerge."))
    using = database()
    # read before the lock (reading JSON is slow): events do not change, only their issue may
    known = {event.pk: event_tags(event) for event in _grouped_by(using, issue.pk, hashes)}
    with write_transaction(using) as connection:
        hold_grouping(connection, exclusive=True)
        source = Issue.objects.using(using).filter(pk=issue.pk).select_for_update().first()
        if source is None:
            raise MergeRefused(_("The issue was deleted or merged meanwhile."))
        owned = list(IssueHash.objects.using(using).filter(issue=source).order_by("pk").values_list("hash", flat=True))
        if unknown := [h for h in hashes if h not in owned]:
            raise MergeRefused(_("Not a hash of this issue: %(hash)s") % {"hash": unknown[0][:40]})
        kept = [h for h in owned if h not in hashes]
        if not kept:
            raise MergeRefused(_("Keep at least one hash on the issue."))
        events = list(_grouped_by(using, source.pk, hashes))
        if not events:
            raise MergeRefused(_("No stored event of this issue was grouped by these hashes first: "
                                 "nothing would move."))
        oldest = min(events, key=lambda event: (event.timestamp, event.pk))
        newest = max(events, key=lambda event: (event.timestamp, event.pk))
        if source.fingerprint in hashes:  # an issue's fingerprint is one of its own hashes
            source.fingerprint = kept[0]
            source.save(using=using, update_fields=["fingerprint"])
        fields = {"platform": source.platform, "grouped_by": source.grouped_by, "title": source.title,
                  "culprit": source.culprit, **describe(newest)}
        new = Issue.objects.using(using).create(
            project_id=source.project_id, fingerprint=newest.grouping_hash, first_seen=oldest.timestamp,
            last_seen=newest.timestamp, first_release=oldest.release, event_count=len(events), **fields,
        )
        IssueHash.objects.using(using).filter(issue=source, hash__in=hashes).update(issue=new)
        Event.objects.using(using).filter(issue=source, grouping_hash__in=hashes).update(issue=new)
        hours = Counter(hour(event.timestamp) for event in events)
        tags = Counter(pair for event in events for pair in known.get(event.pk) or event_tags(event))
        upsert_add(connection, IssueHourlyCount, ("issue_id", "hour"), "count",
                   {**{(new.pk, h): n for h, n in hours.items()}, **{(source.pk, h): -n for h, n in hours.items()}})
        upsert_add(connection, IssueTag, ("issue_id", "key", "value"), "count",
                   {**{(new.pk, *t): n for t, n in tags.items()}, **{(source.pk, *t): -n for t, n in tags.items()}})
        for model in (IssueHourlyCount, IssueTag):
            model.objects.using(using).filter(issue=source, count__lte=0).delete()
        source.event_count -= len(events)
        source.user_count, new.user_count = _users(using, source.pk), _users(using, new.pk)
        source.save(using=using, update_fields=["event_count", "user_count"])
        new.save(using=using, update_fields=["user_count"])
        data = {"hashes": hashes, "events": len(events)}
        Activity.objects.using(using).bulk_create([
            Activity(issue=source, kind=Activity.Kind.UNMERGED, user=_actor(user), data={**data, "to": new.pk}),
            Activity(issue=new, kind=Activity.Kind.UNMERGED, user=_actor(user), data={**data, "from": source.pk}),
        ])
    return new


def _grouped_by(using: str, issue_id: int, hashes: list[str]):
    return Event.objects.using(using).select_related("segment").filter(issue_id=issue_id, grouping_hash__in=hashes)


def _users(using: str, issue_id: int) -> int:
    """Distinct users affected: the issue's ``user`` tag values, as the writer counts them."""
    return IssueTag.objects.using(using).filter(issue_id=issue_id, key="user").count()


def _actor(user):
    return user if user is not None and user.is_authenticated else None
