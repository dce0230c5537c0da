"""Server-side scrubbing, on by default: what sentry.io's default data scrubbing removes, replaced by
``[Filtered]`` before an event is grouped, indexed or stored.

It follows Relay's legacy data scrubbing (``relay-pii``: ``DataScrubbingConfig`` with ``scrub_data`` and
``scrub_defaults``, turned by ``convert.rs`` into ``@common:filter`` and the sensitive-cookie rule):

- ``@password:filter``: values whose key contains a word of Relay's ``PASSWORD_KEY_REGEX`` (password,
  secret, passwd, api_key, apikey, auth, credentials, mysql_pwd, privatekey, private_key, token; ``otp``
  and ``two_factor`` exactly), case-insensitive, ``-`` and ``_`` alike — plus ``session``, ``csrf``/``xsrf``
  and the ``Cookie``/``Set-Cookie`` headers from sentry-sdk's ``DEFAULT_DENYLIST``, payment-card field
  names (``credit_card``, ``card[number]``, ``cvv``…), and the setting's ``fields`` (Relay's
  ``sensitive_fields``, substrings too). Strings, numbers and arrays are replaced, objects are not: their
  entries are scrubbed one by one (as Sentry documents). Keys are looked up in objects, ``[key, value]``
  pair lists and ``a=b&c=d`` strings (query strings, form bodies, the query of URLs, cookie headers).
- ``@anything:filter``: Relay's ``SENSITIVE_COOKIES`` in cookies — those the words above miss
  (``phpsessid``, ``symfony``, ``_vercel_jwt``; Sentry's own ``sudo``/``su`` left out) and Express's
  ``connect.sid``.
- ``@creditcard:filter``: card numbers anywhere in strings — 13 to 19 digits, grouped by single spaces or
  dashes, starting like a payment card (2–6, as Relay's ``CREDITCARD_REGEX`` prefixes do), and, unlike
  Relay, passing the Luhn check, which spares most other long numbers. Not in the user's ``id``: numeric
  ids pass the check one in ten, and filtered ids would all count as one user affected.
- ``safe_fields`` (Relay's ``exclude_fields``): keys whose values are never scrubbed.

Not scrubbed: the SDK's own bookkeeping (``modules``, ``sdk``, ``debug_meta``, ``fingerprint``, ``_meta``),
and code (frame file names, functions, modules, source lines): it is not data, and grouping reads it.
Sentry also filters any *value* that mentions one of the words; minisentry does that only for raw request
bodies, so messages and SQL stay readable. Each replacement is noted in ``_meta`` as the SDK notes its own
(``{"": {"rem": [["@password:filter", "s"]], "len": 8}}``), merged with what the SDK wrote.

Every step is linear in the event's size (bounded regexes, an explicit stack, no recursion) and never raises.
"""

import logging
import re
from functools import lru_cache

from .. import conf
from . import prescan
from .cards import CARD_RUN, filtered, may_hold_cards

logger = logging.getLogger("minisentry")

FILTERED = "[Filtered]"
PASSWORD, ANYTHING, CREDITCARD = "@password:filter", "@anything:filter", "@creditcard:filter"

SECRET_WORDS = (
    "password", "secret", "passwd", "api_key", "apikey", "auth", "credentials", "mysql_pwd", "privatekey",
    "private_key", "token", "session", "csrf", "xsrf",
    "creditcard", "credit_card", "card_number", "cardnumber", "card[number]", "cvv", "cvc",
)
SECRET_KEYS = frozenset({"otp", "two_factor", "cookie", "set_cookie", "http_cookie"})
SESSION_COOKIES = frozenset({"phpsessid", "symfony", "_vercel_jwt", "connect.sid"})  # and words: session, csrf…
QUERY_KEYS = frozenset({"query_string", "query", "http.query", "fragment", "http.fragment"})
CODE_FIELDS = frozenset({
    "filename", "abs_path", "module", "function", "raw_function", "package", "context_line", "pre_context",
    "post_context", "platform", "lineno", "colno", "in_app", "instruction_addr", "symbol",
})
NOT_SCRUBBED = frozenset({"_meta", "modules", "sdk", "debug_meta", "fingerprint"})
SPECIAL_KEYS = QUERY_KEYS | {"cookies", "frames"}
SECRET, SAFE, SPECIAL = 1, 2, 4  # key codes
OTHER, EVENT, REQUEST, FRAMES, FRAME, COOKIES, USER = range(7)  # kinds of container; OTHER needs no special care

NOT_FORM = re.compile(r"[\s{}\"'<>]")  # characters no form-encoded name holds; a raw body has them
MEMO_LIMIT = 10_000


def scrub(event: dict, raw: bytes | None = None) -> bool:
    """Scrub ``event`` in place with the configured scrubber (``MINISENTRY_SCRUBBING``); True if anything
    was replaced. ``raw`` is the event's JSON, when at hand (see :meth:`Scrubber.scrub`)."""
    scrubber = configured()
    return scrubber is not None and scrubber.scrub(event, raw)


def survey(given: dict, event: dict, raw: bytes) -> bool | None:
    """For a dict handed over by the hook and ``event``, the same made modern: None if ``given`` is not
    plain JSON (see ``prescan``); else True if scrubbing ``event`` would replace nothing. ``raw`` is
    ``given``'s JSON (card numbers need 13 digits in a row there)."""
    scrubber = configured()
    try:
        verdict = prescan.survey(given, event, scrubber, _filterable)
    except Exception:  # a bug must not keep secrets: the event is parsed back and walked
        logger.exception("minisentry: the survey of an event failed")
        return None
    if verdict and scrubber is not None and scrubber.cards and may_hold_cards(raw):
        return False
    return verdict


def configured() -> "Scrubber | None":
    """The scrubber ``MINISENTRY_SCRUBBING`` asks for; None when scrubbing is off."""
    config = conf.get("SCRUBBING")
    if config is None or config is False:
        return None
    options = {**conf.DEFAULTS["SCRUBBING"], **(config if isinstance(config, dict) else {})}
    if not options.get("enabled"):
        return None
    return _scrubber(_names(options.get("fields")), _names(options.get("safe_fields")),
                     bool(options.get("scrub_card_numbers")))


def _names(value) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple, set)) else ()
    return tuple(sorted({normalize(v) for v in values if isinstance(v, str) and v.strip()}))


@lru_cache(maxsize=8)
def _scrubber(fields: tuple[str, ...], safe_fields: tuple[str, ...], cards: bool) -> "Scrubber":
    return Scrubber(fields, safe_fields, cards)


def normalize(key: str) -> str:
    return key.strip().lower().replace("-", "_").replace(" ", "_")


class Scrubber:
    """One configuration's scrubbing, compiled once; :meth:`scrub` is safe to call from any thread."""

    def __init__(self, fields: tuple[str, ...], safe_fields: tuple[str, ...], cards: bool):
        self.secret_word = re.compile("|".join(map(re.escape, SECRET_WORDS + fields)))
        self.safe = frozenset(safe_fields)
        self.cards = cards
        self._memo: dict[str, tuple[int, str]] = {}
        self._plain: set[str] = set()  # keys of code 0
        self.harmless: set[str] = set()  # keys of code 0 that no cookie jar filters (see prescan)

    def classify(self, key) -> tuple[int, str]:
        """``(code, normalized key)``: code 0 for a key that needs nothing but a look at its value."""
        found = self._memo.get(key)
        if found is None:
            name = normalize(key if isinstance(key, str) else str(key))
            code = (SECRET if name in SECRET_KEYS or self.secret_word.search(name) else 0) | (
                SAFE if name in self.safe else 0) | (SPECIAL if name in SPECIAL_KEYS or _urlish(name) else 0)
            found = (code, name)
            if len(self._memo) < MEMO_LIMIT and isinstance(key, str) and len(key) <= 200:
                self._memo[key] = found
                if not code:
                    self._plain.add(key)
                    if name not in SESSION_COOKIES:
                        self.harmless.add(key)
        return found

    def normalized(self, name) -> str:
        return self.classify(name)[1]

    def filters(self, name) -> bool:
        """Whether a value under the key (or pair name) ``name`` may be replaced whole."""
        code, normalized = self.classify(name)
        return bool(code & SECRET) or normalized in SESSION_COOKIES

    def parses(self, name) -> bool:
        """Whether a string under ``name`` is read as a query, cookies or a URL (a request's body aside)."""
        normalized = self.classify(name)[1]
        return normalized in QUERY_KEYS or normalized == "cookies" or _urlish(normalized)

    def changes(self, name, text: str) -> bool:
        """Whether :meth:`_string` would change ``text`` under ``name`` by its shape (cards aside)."""
        return self.shaped(text, self.classify(name)[1], body=True) is not text

    def shaped(self, text: str, name: str, body: bool) -> str:
        """``text`` under the normalized key ``name``, its secrets filtered by its shape: a query,
        a cookie header, a URL, or (``body``: under a request's ``data``) a request body."""
        if name in QUERY_KEYS:
            return self.pairs(text, "&")
        if name == "cookies":
            return self.pairs(text, ";", cookies=True)
        if _urlish(name):
            return self.url(text)
        return self.body(text) if body and name == "data" else text

    def scrub(self, event: dict, raw: bytes | None = None) -> bool:
        """Scrub ``event`` in place; True if anything was replaced. ``raw``, the event's JSON, saves
        looking for card numbers string by string when it has no 13 digits in a row."""
        cards = self.cards and (raw is None or may_hold_cards(raw))
        notes: list = []
        try:
            self._walk(event, notes, cards)
        except Exception:  # a bug must not lose the event; what was replaced so far stays noted
            logger.exception("minisentry: scrubbing stopped part way through an event")
        if notes:
            annotate(event, notes)
        return bool(notes)

    def _walk(self, event: dict, notes: list, cards: bool) -> None:
        """Visit every value once, with an explicit stack (no recursion limit). Paths are linked lists
        ``(key, parent)``, spelled out only for the values replaced."""
        memo, plain, stack = self._memo, self._plain, [(event, None, EVENT)]
        search = CARD_RUN.search if cards else None
        while stack:
            container, path, kind = stack.pop()
            if not search and not kind and type(container) is dict and plain.issuperset(container):
                # the common case, in C as far as it goes: known harmless keys, only containers (JSON-loaded:
                # exact dicts and lists) to descend
                stack.extend([(value, (key, path), OTHER) for key, value in container.items()
                              if value and (type(value) is dict or type(value) is list)])
                continue
            if isinstance(container, dict):
                for key, value in container.items():
                    found = memo.get(key) or self.classify(key)
                    if found[0] or kind:
                        self._entry(container, key, found, value, (key, path), kind, stack, notes, cards)
                    elif isinstance(value, str):
                        if search and search(value):
                            self._string(container, key, value, "", OTHER, (key, path), notes, cards)
                    elif value and isinstance(value, (dict, list)):
                        stack.append((value, (key, path), OTHER))
                continue
            child_kind = FRAME if kind == FRAMES else OTHER
            for index, value in enumerate(container):
                if isinstance(value, dict):
                    if value:
                        stack.append((value, (index, path), child_kind))
                elif isinstance(value, list):
                    if len(value) == 2 and isinstance(value[0], str):  # a [key, value] pair
                        self._entry(value, 1, self.classify(value[0]), value[1], (1, (index, path)), kind, stack,
                                    notes, cards)
                    elif value:
                        stack.append((value, (index, path), child_kind))
                elif search and isinstance(value, str) and search(value):
                    self._string(container, index, value, "", OTHER, (index, path), notes, cards)

    def _entry(self, target, slot, found, value, where, kind: int, stack: list, notes: list, cards: bool) -> None:
        """Scrub ``target[slot]``, a value under a key that needs a closer look, or queue it to be walked."""
        code, name = found
        if code & SAFE or kind == EVENT and name in NOT_SCRUBBED or kind == FRAME and name in CODE_FIELDS:
            return
        cookie = kind == COOKIES and name in SESSION_COOKIES
        if (code & SECRET or cookie) and _filterable(value):
            target[slot] = FILTERED
            notes.append((where, PASSWORD if code & SECRET else ANYTHING, _length(value)))
        elif isinstance(value, str):
            self._string(target, slot, value, name, kind, where, notes, cards and not (kind == USER and name == "id"))
        elif value and isinstance(value, (dict, list)):
            stack.append((value, where, _kind(name, kind)))

    def _string(self, target, slot, value: str, name: str, kind: int, where, notes: list, cards: bool) -> None:
        """Scrub the secrets a string holds by its shape (query, cookie header, URL, body) and its card numbers."""
        rules, text = [], self.shaped(value, name, body=kind == REQUEST)
        if text is not value:
            rules.append(PASSWORD)
        if cards and CARD_RUN.search(text):
            carded = filtered(text, FILTERED)
            if carded is not text:
                text = carded
                rules.append(CREDITCARD)
        if rules:
            target[slot] = text
            notes.append((where, rules, len(value)))

    def pairs(self, text: str, separator: str, cookies: bool = False) -> str:
        """``a=b&c=d`` (or a ``Cookie`` header) with the values of secret-looking names filtered."""
        if "=" not in text:
            return text
        parts, changed = text.split(separator), False
        for index, part in enumerate(parts):
            name, equals, value = part.partition("=")
            if not equals or not value or value == FILTERED:
                continue
            code, normalized = self.classify(name)
            if code & SAFE or not (code & SECRET or cookies and normalized in SESSION_COOKIES):
                continue
            parts[index], changed = f"{name}={FILTERED}", True
        return separator.join(parts) if changed else text

    def url(self, text: str) -> str:
        """A URL with its query's secrets and the password of its ``user:password@`` filtered."""
        base, question, rest = text.partition("?")
        authority = base.find("://") + 3
        if authority >= 3:
            ends = [i for i in (base.find("/", authority), base.find("#", authority)) if i >= 0]
            userinfo, at, _ = base[authority:min(ends, default=len(base))].rpartition("@")
            user, colon, password = userinfo.partition(":")
            if at and colon and password and password != FILTERED:
                base = f"{base[:authority]}{user}:{FILTERED}@{base[authority + len(userinfo) + 1:]}"
        if question:
            query, hash_, fragment = rest.partition("#")
            rest = f"{self.pairs(query, '&')}{hash_}{self.pairs(fragment, '&')}"
        result = f"{base}{question}{rest}"
        return text if result == text else result

    def body(self, text: str) -> str:
        """A raw request body: form-encoded, its secret fields filtered; else filtered whole if it names a secret."""
        parts = text.split("&")
        if all("=" in part and not NOT_FORM.search(part.partition("=")[0]) for part in parts):
            return self.pairs(text, "&")
        return FILTERED if self.secret_word.search(normalize(text)) else text


def _filterable(value) -> bool:
    """What a secret key's value loses: strings, numbers and arrays (objects are scrubbed entry by entry)."""
    if isinstance(value, str):
        return bool(value) and value != FILTERED
    if isinstance(value, bool) or value is None:
        return False
    return isinstance(value, (int, float)) or (isinstance(value, list) and bool(value))


def _length(value) -> int | None:
    return len(value) if isinstance(value, str) else None


def _kind(name: str, kind: int) -> int:
    if name == "cookies":
        return COOKIES
    if name == "frames":
        return FRAMES
    if kind == EVENT:
        return REQUEST if name == "request" else USER if name == "user" else OTHER
    return OTHER


def _urlish(name: str) -> bool:
    return name.endswith("url") or name in ("referer", "referrer")


def annotate(event: dict, notes: list) -> None:
    """Merge ``(path, rules, original length)`` notes into ``event["_meta"]`` in the SDK's format.

    Paths share their parents (linked lists), so each ``_meta`` node is found once, however deep."""
    meta = event.get("_meta")
    if not isinstance(meta, dict):
        meta = event["_meta"] = {}
    nodes = {id(None): meta}
    for where, rules, length in notes:
        node = _node(nodes, where)
        info = node.get("")
        if not isinstance(info, dict):
            info = node[""] = {}
        remarks = info.get("rem")
        if not isinstance(remarks, list):
            remarks = info["rem"] = []
        remarks.extend([rule, "s"] for rule in ([rules] if isinstance(rules, str) else rules))
        if length is not None and not isinstance(info.get("len"), int):
            info["len"] = length


def _node(nodes: dict, where) -> dict:
    """The ``_meta`` dict at path ``where``, created as needed (hostile non-dicts on the way replaced)."""
    chain = []
    while id(where) not in nodes:
        chain.append(where)
        where = where[1]
    node = nodes[id(where)]
    for link in reversed(chain):
        child = node.get(str(link[0]))
        if not isinstance(child, dict):
            child = node[str(link[0])] = {}
        nodes[id(link)] = node = child
    return node
