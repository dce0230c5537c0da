"""Issues: a project's list (search, period, cursor pages) and bulk changes, one issue, its events."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .. import conf
from ..browse import queries
from ..browse.views import MAX_ID, is_issue_id
from ..models import Issue, MergedIssue, Project
from ..ops.deletion import delete_issues
from ..triage.status import wake_expired
from . import changes, pages
from .access import api_view
from .responses import answer, error, link_header
from .search import BadQuery, filtered
from .serialize import issue_json

NOT_FOUND = "The requested resource does not exist"
PERIODS = {"": None, "24h": timedelta(hours=24), "14d": timedelta(days=14), "30d": timedelta(days=30),
           "90d": timedelta(days=90)}
BULK_LIMIT = 1000  # issues one bulk change may touch, as Sentry's


def project_of(org: str, slug: str) -> Project | None:
    if org != conf.get("ORGANIZATION"):
        return None
    return Project.objects.filter(slug=slug).first()


def visible(issues: QuerySet) -> QuerySet:
    return issues.select_related("project", "assignee")


def selected(request, project: Project) -> QuerySet:
    """The issues a bulk request names: ``id=`` (each an issue id), else ``status=``, else the search."""
    issues = Issue.objects.filter(project=project)
    ids = request.GET.getlist("id")
    if ids:
        if not all(is_issue_id(i) for i in ids):
            raise BadQuery("Invalid issue id.")
        return issues.filter(pk__in=ids)
    if status := request.GET.get("status"):
        status = {"muted": "ignored"}.get(status, status)
        if status not in Issue.Status.values:
            raise BadQuery(f"Invalid status: {status[:40]}")
        return issues.filter(status=status)
    return filtered(issues, request.GET.get("query", ""), request.user)


@api_view("GET", "PUT", "DELETE")
def project_issues(request, org: str, project: str):
    found = project_of(org, project)
    if found is None:
        return error(NOT_FOUND, 404)
    wake_expired()  # issues ignored until a time now past are unresolved again, as the pages show them
    try:
        if request.method == "GET":
            return issue_list(request, found)
        issues = selected(request, found)
    except (BadQuery, pages.BadCursor) as exc:
        return error(str(exc) if isinstance(exc, BadQuery) else f"Invalid cursor: {exc}", 400)
    except queries.ListTimeout:
        return error(str(queries.TIMEOUT_NOTICE), 400)
    ids = list(issues.order_by("-last_seen", "-pk").values_list("pk", flat=True)[:BULK_LIMIT])
    if not ids:
        return answer(None, 204)
    if request.method == "DELETE":
        delete_issues(Issue.objects.filter(pk__in=ids))
        return answer(None, 204)
    return changes.respond(request, Issue.objects.filter(pk__in=ids))


def issue_list(request, project: Project):
    query = request.GET.get("query", "is:unresolved")  # Sentry's default when no query is given
    period = request.GET.get("statsPeriod", "")
    if period not in PERIODS:
        raise BadQuery(f"Invalid statsPeriod: {period[:20]}")
    if request.GET.get("sort", "date") != "date":
        raise BadQuery("Only sort=date is supported.")
    issues = filtered(visible(Issue.objects.filter(project=project)), query, request.user)
    if PERIODS[period]:
        issues = issues.filter(last_seen__gte=timezone.now() - PERIODS[period])
    per_page = min(max(int(request.GET["limit"]), 1), 100) if request.GET.get("limit", "").isdigit() else 100
    with queries.time_limit():
        rows, previous, following = pages.page(issues, "last_seen", "pk", request.GET.get("cursor", ""),
                                               pages.key_int, per_page)
        body = [issue_json(issue, request) for issue in rows]
    return answer(body, Link=link_header(request, previous, following))


def issue_in(org: str | None, pk: int) -> Issue | None:
    """The issue (or the one it was merged into), if ``org`` (when the path names one) is ours."""
    if org is not None and org != conf.get("ORGANIZATION") or pk > MAX_ID:
        return None
    issue = visible(Issue.objects.filter(pk=pk)).first()
    if issue is None and (merged := MergedIssue.objects.filter(pk=pk).first()):
        issue = visible(Issue.objects.filter(pk=merged.issue_id)).first()
    return issue


@api_view("GET", "PUT", "DELETE")
def issue_detail(request, pk: int, org: str | None = None):
    if (issue := issue_in(org, pk)) is None:
        return error(NOT_FOUND, 404)
    if request.method == "GET":
        wake_expired()
        issue.refresh_from_db()
        return answer(issue_json(issue, request))
    if request.method == "DELETE":
        delete_issues(Issue.objects.filter(pk=issue.pk))
        return answer(None, 202)
    return changes.respond(request, Issue.objects.filter(pk=issue.pk))
