"""A search split into tokens the way Sentry's grammar (``sentry.api.event_search``) splits it:
free words, ``"quoted phrases"`` and ``[!]key:value`` terms whose value is raw, ``"quoted"`` (with
``\\"`` inside) or a ``[list, of, values]``. Tokens are separated by whitespace, except inside
quotes and brackets. A ``word:`` with nothing after its colon (``ValueError:`` pasted from a title)
is a free word."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Sentry's ``key`` (``[a-zA-Z0-9_.-]+``) or explicit ``tags[key]``, then its separator
KEY = re.compile(r"(?P<negated>!?)(?:tags\[(?P<tag>[^\]\s]+)\]|(?P<key>[A-Za-z0-9_.\-]+)):(?=\S)")
QUOTED = re.compile(r'"((?:\\"|[^"])*)"')
SPACE = re.compile(r"\s+")
LIST_END = re.compile(r"\s*(,|\])")
LIST_VALUE = re.compile(r"[^,\]\s]*")


@dataclass(frozen=True)
class Token:
    text: str  # as typed
    key: str = ""  # "" for free text
    value: str | tuple[str, ...] = ""  # a list's values are a tuple
    negated: bool = False
    quoted: bool = False  # a "quoted" value or phrase: no wildcards
    explicit_tag: bool = False  # written tags[key]:…
    problem: str = ""  # why it could not be read; the parser reports it


def word_end(text: str, at: int) -> int:
    """Where the run of non-space characters at ``at`` ends."""
    space = SPACE.search(text, at)
    return space.start() if space else len(text)


def unquote(text: str) -> str:
    return text.replace('\\"', '"')


def tokenize(text: str) -> list[Token]:
    tokens, at = [], 0
    while True:
        space = SPACE.match(text, at)
        at = space.end() if space else at
        if at >= len(text):
            return tokens
        if text[at] == '"':
            token, at = read_quoted(text, at, "")
        elif key := KEY.match(text, at):
            token, at = read_term(text, key)
        else:
            end = word_end(text, at)
            token, at = Token(text[at:end], value=text[at:end]), end
        tokens.append(token)


def read_quoted(text: str, at: int, prefix: str, **term) -> tuple[Token, int]:
    """A quoted phrase (or a term's quoted value) starting at ``at``."""
    quoted = QUOTED.match(text, at)
    if not quoted:
        return Token(prefix + text[at:], problem=_("this quote is never closed"), **term), len(text)
    end = quoted.end()
    if end < len(text) and not text[end].isspace():
        stop = word_end(text, end)
        return Token(prefix + text[at:stop], problem=_("text right after a closing quote"), **term), stop
    return Token(prefix + quoted[0], value=unquote(quoted[1]), quoted=True, **term), end


def read_term(text: str, key: re.Match) -> tuple[Token, int]:
    prefix, at = key[0], key.end()
    term = {"key": key["tag"] or key["key"], "negated": bool(key["negated"]), "explicit_tag": bool(key["tag"])}
    if text[at] == '"':
        return read_quoted(text, at, prefix, **term)
    if text[at] == "[":
        return read_list(text, at, prefix, term)
    end = word_end(text, at)
    return Token(text[key.start():end], value=text[at:end], **term), end


def read_list(text: str, at: int, prefix: str, term: dict) -> tuple[Token, int]:
    """``[a, "b c", d]``: values raw (up to a comma or the bracket) or quoted; none empty."""
    start, at, values = at, at + 1, []
    while True:
        space = SPACE.match(text, at)
        at = space.end() if space else at
        if at < len(text) and text[at] == '"':
            quoted = QUOTED.match(text, at)
            value, at = (unquote(quoted[1]), quoted.end()) if quoted else (None, at)
        else:
            raw = LIST_VALUE.match(text, at)
            value, at = raw[0], raw.end()
        end = LIST_END.match(text, at)
        if value is None or not end:
            stop = text.find("]", at)
            stop = stop + 1 if stop >= 0 else len(text)
            return Token(prefix + text[start:stop], problem=_("a list needs commas between its values and a closing ]"),
                         **term), stop
        if not value:
            return Token(prefix + text[start:end.end()], problem=_("a list with an empty value"), **term), end.end()
        values.append(value)
        at = end.end()
        if end[1] == "]":
            if at < len(text) and not text[at].isspace():
                stop = word_end(text, at)
                return Token(prefix + text[start:stop], problem=_("text right after a list"), **term), stop
            return Token(prefix + text[start:at], value=tuple(values), **term), at
