"""Events: an issue's (cursor pages, ``full=true`` with their JSON), its latest, and one by id."""

from ..backends import BlobMissing, InvalidBackendError
from ..models import Event
from . import pages
from .access import api_view
from .issues import NOT_FOUND, issue_in, project_of
from .responses import answer, error, link_header
from .serialize import event_json

FULL_PER_PAGE = 20  # events per page whose JSON is read (each is a blob read)


def loaded(event: Event) -> dict | None:
    try:
        return event.load()
    except (BlobMissing, InvalidBackendError):
        return None


@api_view("GET")
def issue_events(request, pk: int, org: str | None = None):
    if (issue := issue_in(org, pk)) is None:
        return error(NOT_FOUND, 404)
    full = request.GET.get("full") in ("1", "true")
    try:
        rows, previous, following = pages.page(
            Event.objects.filter(issue=issue), "timestamp", "event_id", request.GET.get("cursor", ""),
            per_page=FULL_PER_PAGE if full else pages.PER_PAGE)
    except pages.BadCursor as exc:
        return error(f"Invalid cursor: {exc}", 400)
    body = [event_json(event, issue, loaded(event) if full else None) for event in rows]
    return answer(body, Link=link_header(request, previous, following))


@api_view("GET")
def latest_event(request, pk: int, org: str | None = None):
    if (issue := issue_in(org, pk)) is None:
        return error(NOT_FOUND, 404)
    event = Event.objects.filter(issue=issue).order_by("-timestamp", "-event_id").first()
    if event is None:
        return error(NOT_FOUND, 404)
    return answer(event_json(event, issue, loaded(event)))


@api_view("GET")
def project_event(request, org: str, project: str, event_id: str):
    found = project_of(org, project)
    event = Event.objects.select_related("issue__project").filter(event_id=event_id, issue__project=found).first() \
        if found else None
    if event is None:
        return error(NOT_FOUND, 404)
    return answer(event_json(event, event.issue, loaded(event)))
