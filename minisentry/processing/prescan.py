"""One look at an event dict handed over by the hook: is it plain JSON, and would scrubbing replace anything?

A dict whose values are JSON's own types only (exact dicts with str keys, lists, str, int, bool, None,
finite floats), each container once, parses back from its JSON to an equal value of the same types: the
writer may read it instead of parsing what it stores. The scrubber (``scrubbing``) replaces a value
only through a name: a key, or the first string of a ``[name, value]`` pair, whose value it filters (a
string, number or array) or whose string it reads as a query, cookies, a URL or a request body (card
numbers aside: the caller says whether the JSON holds 13 digits in a row). :func:`survey` gathers the
dict's types, distinct keys, dicts and lists within lists one level at a time (the per-value work in
C), then asks the scrubber about the few keys it does not already know as harmless and looks only at
those keys' values.
"""

import math
from functools import partial
from itertools import chain, compress, repeat
from operator import is_not, not_
from typing import Protocol

_JSON_TYPES = frozenset({dict, list, str, int, float, bool, type(None)})
_DICT, _FLOAT, _STR, _CONTAINERS = frozenset({dict}), frozenset({float}), frozenset({str}), frozenset({dict, list})
_present = partial(is_not, None)
MODERN_KEYS = ("values", "formatted", "stacktrace", "effective_directive", "logentry", "culprit", "message")


class Names(Protocol):
    """What the survey asks the scrubber (see ``scrubbing.Scrubber``)."""

    harmless: set  # keys known to need nothing but a look at their values

    def filters(self, name) -> bool: ...  # would a value under this key or pair name be replaced whole?
    def parses(self, name) -> bool: ...  # would a string under it be read as a query, cookies or a URL?
    def changes(self, name, text: str) -> bool: ...  # would that reading (or a request body's) change it?
    def normalized(self, name) -> str: ...


def survey(given: dict, event: dict, names: Names | None, filterable) -> bool | None:
    """None if ``given`` is not plain JSON; else whether scrubbing ``event`` (``given`` made modern by
    ``legacy.modernize``) would replace nothing but card numbers (True when ``names`` is None: no
    scrubbing). ``modernize`` keeps ``given``'s values under the same or modern names, or drops a legacy
    one shadowed by its modern key (the writer then stores ``event``'s JSON, never ``given``'s):
    ``given`` is looked through, ``event`` only for the names that matter at its top and in its request."""
    if type(given) is not dict:
        return None
    keys, every_dict, every_list, seen, count = set(), [], [], {id(given)}, 1
    dicts, lists = [given], []
    while dicts or lists:
        keys.update(chain.from_iterable(dicts))
        every_dict += dicts
        values = [*chain.from_iterable(map(dict.values, dicts)), *chain.from_iterable(lists)]
        types = [*map(type, values)]
        present = set(types)
        if not _JSON_TYPES.issuperset(present):
            return None
        if float in present and not all(map(math.isfinite, compress(values, map(_FLOAT.__contains__, types)))):
            return None  # NaN and infinities are written as null
        containers = [*compress(values, map(_CONTAINERS.__contains__, types))]
        is_dict = [*map(_DICT.__contains__, map(type, containers))]
        dicts, lists = [*compress(containers, is_dict)], [*compress(containers, map(not_, is_dict))]
        every_list += lists
        seen.update(map(id, containers))
        count += len(containers)
        if len(seen) != count:
            return None  # a container met twice: shared (its JSON holds copies), or a cycle
    if not _STR.issuperset(map(type, keys)):
        return None
    return names is None or _quiet(event, keys, every_dict, every_list, names, filterable)


def _quiet(event: dict, keys: set, every_dict: list, every_list: list, names: Names, filterable) -> bool:
    if any(names.filters(key) or names.parses(key) for key in MODERN_KEYS):
        return False  # keys modernize() may add (a setting's fields may name them)
    for key in keys - names.harmless:
        filters, parses = names.filters(key), names.parses(key)
        if not filters and not parses:
            continue
        for value in filter(_present, map(dict.get, every_dict, repeat(key))):
            if filters and filterable(value):
                return False
            if parses and type(value) is str and names.changes(key, value):
                return False
    for pair in every_list:  # a pair only within a list, but any may be (a request's list: "data" a body)
        if len(pair) == 2 and type(pair[0]) is str and (names.filters(pair[0]) or names.parses(pair[0]) or (
                type(pair[1]) is str and names.changes(pair[0], pair[1]))):
            return False
    for name, request in event.items():  # a request's body is read under "data", its other values as above
        if type(request) is dict and names.normalized(name) == "request":
            if any(type(text) is str and names.changes(key, text) for key, text in request.items()):
                return False
    return True
