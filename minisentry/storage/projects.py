"""Which project each record of a batch belongs to."""

from ..models import DEFAULT_PROJECT, Project
from ..processing.prepare import EventRecord


def project_of(records: list[EventRecord], using: str) -> dict[str, int]:
    """Each record's project id by event id, in one query: a slug (the hook's ``project=``) or the
    default project is created when missing; a record whose project id no longer exists (deleted
    after the endpoint took its event) is left out."""
    slugs = {r.project if isinstance(r.project, str) else DEFAULT_PROJECT for r in records
             if not isinstance(r.project, int)}
    ids = {r.project for r in records if isinstance(r.project, int)}
    found = Project.objects.using(using).filter(slug__in=slugs) | Project.objects.using(using).filter(pk__in=ids)
    by_slug, known = {}, set()
    for pk, slug in found.values_list("pk", "slug"):
        by_slug[slug] = pk
        known.add(pk)
    for slug in slugs - set(by_slug):
        by_slug[slug] = Project.objects.using(using).get_or_create(
            slug=slug, defaults={"name": "This site" if slug == DEFAULT_PROJECT else slug})[0].pk
    result = {}
    for record in records:
        if isinstance(record.project, int):
            if record.project in known:
                result[record.event_id] = record.project
        else:
            result[record.event_id] = by_slug[record.project if isinstance(record.project, str) else DEFAULT_PROJECT]
    return result
