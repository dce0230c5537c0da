"""A term's value read as Sentry reads it: numbers with an operator (``>=5``, ``1k``), dates
(``-24h`` within the last 24 hours, ``+7d`` older than 7 days, ``>2026-01-31``, a whole day
``2026-01-31``) and text with ``*`` wildcards (``\\*`` a literal asterisk)."""

import re
from datetime import UTC, datetime, timedelta

OPERATORS = ("=", "!=", ">=", "<=", ">", "<")  # a value may start with one (Sentry's order: longest first)
OPERATOR = re.compile(r"(>=|<=|!=|>|<|=)?(.*)", re.S)
NUMBER = re.compile(r"(\d{1,18}(?:\.\d{0,6})?)([kmb])?")
MULTIPLIERS = {None: 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
RELATIVE = re.compile(r"([+-])(\d{1,6})([wdhm])")
UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
WILDCARD = re.compile(r"(?<!\\)(?:\\\\)*\*")  # an asterisk after an even number of backslashes
MAX_NUMBER = 2**63 - 1


def split_operator(text: str) -> tuple[str, str]:
    """``(operator, rest)``; ``=`` when the value names none."""
    match = OPERATOR.fullmatch(text)
    return match[1] or "=", match[2]


def number(text: str) -> tuple[str, int] | None:
    """``>=5`` as ``(">=", 5)``, ``1k`` as ``("=", 1000)``; None unless it is one."""
    operator, rest = split_operator(text)
    match = NUMBER.fullmatch(rest)
    if not match:
        return None
    value = int(float(match[1]) * MULTIPLIERS[match[2]])
    return (operator, value) if value <= MAX_NUMBER else None


def date_range(text: str) -> tuple[tuple[str, datetime | timedelta], ...] | None:
    """The conditions a date value sets, each ``(operator, moment)``: a ``timedelta`` moment is that
    long before now. ``-24h``: ``>= 24 h ago``; ``+7d``: ``< 7 d ago``; ``2026-01-31``: that UTC day;
    ``>2026-01-31T12:00:00``: after that time (UTC unless it says otherwise). None unless it is one."""
    if relative := RELATIVE.fullmatch(text):
        ago = timedelta(**{UNITS[relative[3]]: int(relative[2])})
        return ((">=", ago),) if relative[1] == "-" else (("<", ago),)
    operator, rest = split_operator(text)
    if operator == "!=":
        return None
    try:
        moment = datetime.fromisoformat(rest) if DAY.match(rest) else None
    except ValueError:
        return None
    if moment is None:
        return None
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    if operator == "=" and DAY.fullmatch(rest):
        return ((">=", moment), ("<", moment + timedelta(days=1)))
    return ((operator, moment),)


def is_wildcard(text: str) -> bool:
    return bool(WILDCARD.search(text))


def wildcard_regex(text: str) -> str:
    """A value with ``*`` wildcards as an anchored regular expression that PostgreSQL and Python
    (SQLite's ``REGEXP``) read alike; ``\\x`` stands for ``x``."""
    parts, at = [], 0
    while at < len(text):
        char = text[at]
        if char == "\\" and at + 1 < len(text):
            parts.append(re.escape(text[at + 1]))
            at += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        at += 1
    return r"(?s)\A" + "".join(parts) + r"\Z"


def literal(text: str) -> str:
    """A value without wildcards, its ``\\*`` as ``*``."""
    return text.replace("\\*", "*")
