"""Card numbers in an event's strings (server-side scrubbing's ``@creditcard:filter``): 13 to 19
digits, grouped by single spaces or dashes, starting like a payment card (2–6, as Relay's
``CREDITCARD_REGEX`` prefixes do) and passing the Luhn check; and the look at an event's raw JSON
that spares most events the look at each of their strings."""

import re

# A digit run in card-number shapes, not inside a word: 13-19 digits, or 2-5 groups of 3-6 digits apart by
# one space or dash. Each group's length is forced by the separator after it, so backtracking is bounded
# per position; it starts with a digit (not the lookbehind) so that the regex engine skips to digits fast.
CARD_RUN = re.compile(r"[0-9](?<!\w[0-9])(?:[0-9]{12,18}|[0-9]{2,5}(?:[ -][0-9]{3,6}){1,4})(?!\w)")
# On the raw JSON, digits as 0, spaces and dashes dropped: 13 digits in a row if any string holds a card.
DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
# Where in the raw JSON a card number may be: 13 or more digits, spaces and dashes in a row.
RUN_AS_ZERO = bytes.maketrans(b"0123456789 -", b"0" * 12)
RUN, NOT_ZERO = b"0" * 13, re.compile(b"[^0]")
BACKSLASH = ord("\\")
JSON_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)", re.DOTALL)
JSON_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}  # the others stand for themselves
LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")  # each digit doubled, its digits summed
GROUP_SEPARATOR = re.compile(r"[ -]")


def may_hold_cards(raw: bytes) -> bool:
    """Whether a string in the JSON text ``raw`` may hold a card number (most events' do not: their
    strings are then not looked at one by one). Each run of digits, spaces and dashes in the text long
    enough to hold one is looked at as its string is, its escapes read (a run may start with an
    escape's hex digits). JSON encoders never escape digits, spaces or dashes."""
    if RUN not in raw.translate(DIGITS_AS_ZERO, b" -"):  # the common case, at C speed
        return False
    runs = raw.translate(RUN_AS_ZERO)
    found = runs.find(RUN)
    while found >= 0:
        end = NOT_ZERO.search(runs, found)
        end = end.start() if end else len(runs)
        start = max(found - 12, 0)  # the escapes (at most 6 bytes each) that end in or right before the run
        while start and raw[start - 1] == BACKSLASH:  # never half of an escaped backslash
            start -= 1
        text = JSON_ESCAPE.sub(_unescaped, raw[start:end + 1].decode("utf-8", "replace"))
        if any(card_span(run.group()) for run in CARD_RUN.finditer(text)):
            return True
        found = runs.find(RUN, end)
    return False


def _unescaped(escape: re.Match) -> str:
    code = escape.group()
    return chr(int(code[2:], 16)) if len(code) == 6 else JSON_ESCAPES.get(code[1], code[1])


def luhn(digits: str) -> bool:
    """The Luhn check of ASCII digits (summed as bytes: no Python loop per digit)."""
    kept, doubled = digits[-1::-2], digits[-2::-2].translate(LUHN_DOUBLED)
    return (sum(kept.encode()) + sum(doubled.encode()) - 48 * len(digits)) % 10 == 0


def card_span(run: str) -> tuple[int, int] | None:
    """Where in a :data:`CARD_RUN` match a card number is (the longest, leftmost), or None."""
    groups = GROUP_SEPARATOR.split(run)
    starts, digits = [0], [0]
    for group in groups:
        starts.append(starts[-1] + len(group) + 1)
        digits.append(digits[-1] + len(group))
    for first in range(len(groups)):
        if groups[first][0] not in "23456":
            continue
        for last in range(len(groups), first, -1):
            if 13 <= digits[last] - digits[first] <= 19 and luhn("".join(groups[first:last])):
                return starts[first], starts[last] - 1
    return None


def filtered(text: str, replacement: str) -> str:
    """``text`` with each card number in it replaced."""
    pieces, position = [], 0
    for match in CARD_RUN.finditer(text):
        span = card_span(match.group())
        if span:
            start, end = match.start() + span[0], match.start() + span[1]
            pieces += [text[position:start], replacement]
            position = end
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)
