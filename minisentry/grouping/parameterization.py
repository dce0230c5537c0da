"""Message parameterisation: event-specific values become ``<int>``, ``<uuid>``..., in linear time."""

from __future__ import annotations

import re
from itertools import islice

# Sentry's patterns, made linear in the message's length (Relay trims messages to 8,192
# characters first; Sentry's own patterns take seconds on "a." * 4096 or "0" * 8192). A pattern
# that scans a run ahead of it (email's local part, hostname's labels, duration's digits) would
# scan that run again from each later position of it: it starts only where no earlier start of
# the run was tried since its search began (_FRESH), as that one failed and every later one
# fails the same way. Each of these patterns has a search of its own (_SEARCHED_ALONE); the
# results are merged as Sentry's single regex would pick them (see _parameterize). This differs
# from Sentry's only for a hostname label longer than 63 characters or made of hyphens only.
# (The lookaheads opening ip and date only skip positions where neither can start.)
_CONTEXT = 10  # characters before a search's start that lookbehinds may read ("SAVEPOINT ")
_FRESH = rf"(?<=[\s\S]{{{_CONTEXT}}})"  # here, or later, the search has tried every position
_EMAIL_CHAR = r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]"
_HOST_LABEL = r"[a-zA-Z0-9-]"
_HOST_TRIED_BEFORE = "".join(
    # a \b label start tried up to 64 characters back, in the same well-formed chain of labels ...
    [rf"(?<!{_FRESH}\b{_HOST_LABEL}(?:(?!\.\.)[a-zA-Z0-9.-]){{{n}}})" for n in range(64)]
    # ... or a whole label between two dots just before (the chain started before it)
    + [rf"(?<!{_FRESH}\.{_HOST_LABEL}{{{n}}}\.)" for n in range(1, 64)]
)
_PARAMETERIZATION_PATTERNS = (
    ("email", rf"""(?<!{_FRESH}{_EMAIL_CHAR}){_EMAIL_CHAR}++@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*"""),
    ("url", r"""\b(wss?|https?|ftp)://[^\s/$.?#].[^\s]*"""),
    ("hostname", rf"""
        \b(?=[a-zA-Z0-9-])(?>(?<![a-zA-Z0-9.-])|{_HOST_TRIED_BEFORE})
        ([a-zA-Z0-9\-]{{1,63}}\.)+?
        (
            (COM|NET|ORG|JP|DE|UK|FR|BR|IT|RU|ES|ME|GOV|PL|CA|AU|CN|CO|IN|NL|EDU|INFO|EU|CH|ID|AT|KR|CZ|MX|BE|TV|SE|TR|TW|AL|UA|IR|VN|CL|SK|LY|CC|TO|NO|FI|US|PT|DK|AR|HU|TK|GR|IL|NEWS|RO|MY|BIZ|IE|ZA|NZ|SG|EE|TH|IO|XYZ|PE|BG|HK|RS|LT|LINK|PH|CLUB|SI|SITE|MOBI|BY|CAT|WIKI|LA|GA|XXX|CF|HR|NG|JOBS|ONLINE|KZ|UG|GQ|AE|IS|LV|PRO|FM|TIPS|MS|SA|APP)|
            (com|net|org|jp|de|uk|fr|br|it|ru|es|me|gov|pl|ca|au|cn|co|in|nl|edu|info|eu|ch|id|at|kr|cz|mx|be|tv|se|tr|tw|al|ua|ir|vn|cl|sk|ly|cc|to|no|fi|us|pt|dk|ar|hu|tk|gr|il|news|ro|my|biz|ie|za|nz|sg|ee|th|io|xyz|pe|bg|hk|rs|lt|link|ph|club|si|site|mobi|by|cat|wiki|la|ga|xxx|cf|hr|ng|jobs|online|kz|ug|gq|ae|is|lv|pro|fm|tips|ms|sa|app)
        )
        \b
    """),
    ("ip", r"""
        (?=[0-9a-fA-F:])
        (?<![0-9a-zA-Z_])
        (
            ([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|
            ([0-9a-fA-F]{1,4}:){1,7}:|
            ([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|
            ([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|
            ([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|
            ([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|
            ([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|
            [0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|
            :((:[0-9a-fA-F]{1,4}){1,7}|:)|
            fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|
            ::(ffff(:0{1,4}){0,1}:){0,1}
            ((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}
            (25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|
            ([0-9a-fA-F]{1,4}:){1,4}:
            ((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}
            (25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\b
        )
        (?![0-9a-zA-Z])
        |
        (
            \b((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}
            (25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\b
        )
    """),
    ("traceparent", r"""
        (\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\b) |
        (\b1-[0-9a-f]{8}-[0-9a-f]{24}\b)
    """),
    ("uuid", r"""\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"""),
    ("sha1", r"""\b[0-9a-fA-F]{40}\b"""),
    ("md5", r"""\b[0-9a-fA-F]{32}\b"""),
    ("date", r"""
        (?=[SMTWFJAONDd]|\d)(?:
        ((?:Sun|Mon|Tue|Wed|Thu|Fri|Sat),\s\d{1,2}\s(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s\d{2,4}\s\d{1,2}:\d{1,2}(:\d{1,2})?\s([-\+][\d]{2}[0-5][\d]|(?:UT|GMT|(?:E|C|M|P)(?:ST|DT)|[A-IK-Z])))
        |
        (((?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)\s)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s[0-3]\d,\s\d{2,4})
        |
        ((?:Sun|Sunday|Mon|Monday|Tue|Tuesday|Wed|Wednesday|Thu|Thursday|Fri|Friday|Sat|Saturday),\s\d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2}\s\d{2}:\d{2}:\d{2}\s(?:UT|GMT|(?:E|C|M|P)(?:ST|DT)|[A-IK-Z]))
        |
        (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?([+-]?\d{2}:\d{2})?)
        |
        ((?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)\s(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s\d{2}\s\d{4}\s\d{2}:\d{2}:\d{2}\sGMT[+-]\d{4}(?:\s\([^)]+\))?)
        |
        (
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d:?[0-5]\d\.\d+([+-][0-2]\d:?[0-5]\d|Z))|
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d:?[0-5]\d([+-][0-2]\d:?[0-5]\d|Z))|
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d([+-][0-2]\d:?[0-5]\d|Z))
        )
        |
        (
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d:?[0-5]\d\.\d+)|
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d:?[0-5]\d)|
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d)
        )
        |
        ((?<!\d)([1-9]|1[0-2]):[0-5]\d(:[0-5]\d)?(?![\d:])(?:\s?[aApP][Mm])?)
        |
        ((?<!\d)(0?\d|1\d|2[0-3]):[0-5]\d(:[0-5]\d)?(?![\d:]))
        |
        (\d{4}-[01]\d-[0-3]\d)
        |
        ([0-2]\d:[0-5]\d:[0-5]\d)
        |
        (
            \b(?:(Sun|Mon|Tue|Wed|Thu|Fri|Sat)\s+)?
            (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+
            ([\d]{1,2})\s+
            ([\d]{2}:[\d]{2}:[\d]{2})\s+
            [\d]{4}
        ) |
        (
            \b(?:(Sun|Mon|Tue|Wed|Thu|Fri|Sat),\s+)?
            (0[1-9]|[1-2]?[\d]|3[01])\s+
            (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+
            (19[\d]{2}|[2-9][\d]{3})\s+
            (2[0-3]|[0-1][\d]):([0-5][\d])
            (?::(60|[0-5][\d]))?\s+
            ([-\+][\d]{2}[0-5][\d]|(?:UT|GMT|(?:E|C|M|P)(?:ST|DT)|[A-IK-Z]))
        ) |
        (datetime.datetime\([^)\n]*+\))
        )
    """),
    ("duration", rf"""\b(\d+ms) | (?<!{_FRESH}\d)(\d++(\.\d+)?s)\b"""),
    ("swift_txn_id", r"""(\btx[0-9a-f]{21}-[0-9a-f]{10}\S*)"""),
    ("hex", r"""
        (\b0[xX][0-9a-fA-F]+\b) |
        (\b(?=[a-f]*[0-9])[0-9a-f]{8,128}\b) |
        (\b(?=[A-F]*[0-9])[0-9A-F]{8,128}\b)
    """),
    ("git_sha", r"""(\b(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{7}\b)"""),
    ("float", r"""-\d+\.\d+\b | \b\d+\.\d+\b"""),
    ("int", r"""(\b|(?<!\w)-)\d{1,7}\b"""),
    # A quoted SQL savepoint name (Django's "s140078941939520_x761"): Sentry's parameterisation
    # replaced it when the database_error snapshot was made.
    ("quoted_identifier", r"""(?<=(?i:SAVEPOINT)\ )"[^"]+\""""),
    ("quoted_str", r"""(?<==)('([^']+)' | "([^"]+)")"""),
    ("bool", r"""(?<==)(True | true | False | false)"""),
)
_SEARCHED_ALONE = ("email", "hostname", "duration")
_PRIORITY = {name: index for index, (name, _) in enumerate(_PARAMETERIZATION_PATTERNS)}
_SEARCHERS = {
    **{name: re.compile(f"(?x)(?P<{name}>{pattern})") for name, pattern in _PARAMETERIZATION_PATTERNS
       if name in _SEARCHED_ALONE},
    "others": re.compile("(?x)" + "|".join(
        f"(?P<{name}>{pattern})" for name, pattern in _PARAMETERIZATION_PATTERNS if name not in _SEARCHED_ALONE
    )),
}  # fmt: skip


def normalize_message(message: str) -> str:
    """The first two non-empty lines (``...`` marks a cut) with event-specific values as ``<int>`` etc."""
    trimmed = "\n".join(islice((line for line in message.splitlines() if line.strip()), 2))
    if trimmed != message:
        trimmed += "..."
    return _parameterize(trimmed)


def _parameterize(text: str) -> str:
    """What Sentry's single regex of all the patterns substitutes, in linear time.

    At each position that regex picks the first pattern that matches there; the leftmost match
    wins. Here each searcher keeps its next match, and searches again only once a match taken
    ends past that one's start (the patterns searched alone do so afresh, see _FRESH).
    """
    padded = "\0" * _CONTEXT + text  # lookbehinds may read _CONTEXT characters before a start
    parts, position = [], _CONTEXT
    found: dict[str, tuple[int, int, int, str] | None] = {}  # (start, priority, end, name)
    while True:
        for name, regex in _SEARCHERS.items():
            if (hit := found.get(name, (-1,))) is not None and hit[0] < position:
                found[name] = _search(regex, padded, position, fresh=name in _SEARCHED_ALONE)
        hits = [hit for hit in found.values() if hit is not None]
        if not hits:
            return "".join([*parts, padded[position:]])
        start, _, position_after, name = min(hits)
        parts += [padded[position:start], f"<{name}>"]
        position = position_after


def _search(regex: re.Pattern[str], padded: str, position: int, fresh: bool) -> tuple | None:
    """The next match from ``position``; a ``fresh`` search sees nothing before it as tried."""
    offset = position - _CONTEXT if fresh else 0
    match = regex.search(padded[offset:] if offset else padded, position - offset)
    if match is None:
        return None
    return (match.start() + offset, _PRIORITY[match.lastgroup], match.end() + offset, match.lastgroup)
