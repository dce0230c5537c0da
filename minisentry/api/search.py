"""The API's ``query=``: the issue list's search syntax; what it does not understand is a 400 naming it."""

from django.db.models import QuerySet

from ..browse import queries


class BadQuery(ValueError):
    """A search term the syntax does not know (its text is the message)."""


def filtered(issues: QuerySet, query: str, user) -> QuerySet:
    parsed = queries.Search.parse(query)
    if parsed.unknown:
        raise BadQuery(f"Invalid search term: {parsed.unknown[0][:80]}")
    if parsed.status:
        issues = issues.filter(status=parsed.status)
    return queries.search(issues, parsed)
