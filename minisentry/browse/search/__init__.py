"""The issue search, a documented subset of Sentry's syntax (the README's "Search syntax"), for
both frames and the API: ``parse(text) -> Query`` (never raises; the terms it does not understand
are ``Query.errors``, each a ``SearchError`` naming its term; ``Query.check()`` raises the first),
then ``apply(issues, query, user) -> issues`` (no issues when the query has errors).

``tokenizer`` splits the text, ``values`` reads numbers, times and wildcards, ``terms`` turns
tokens into words and filters, ``filters`` turns those into conditions on a queryset."""

from .filters import apply, with_tags
from .terms import (
    HINT,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    MAX_WORDS,
    Filter,
    Query,
    SearchError,
    parse,
    tag_term,
)

__all__ = ["HINT", "MAX_QUERY_CHARS", "MAX_TERMS", "MAX_WORDS", "Filter", "Query", "SearchError", "apply", "parse",
           "tag_term", "with_tags"]
