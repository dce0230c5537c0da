"""The API's ``query=``: the issue list's search syntax; what it does not understand is a 400 naming it."""

from django.db.models import QuerySet

from ..browse import search


class BadQuery(ValueError):
    """A search term the syntax does not know (its text is the message)."""


def filtered(issues: QuerySet, query: str, user) -> QuerySet:
    parsed = search.parse(query)
    if parsed.errors:
        error = parsed.errors[0]
        raise BadQuery(f"Invalid search term: {error.term[:80]}: {error.reason}")
    return search.apply(issues, parsed, user)
