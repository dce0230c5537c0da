"""The survey of a dict handed over (``prescan.survey``) lets prepare() skip the scrubber's walk only when the
walk would replace nothing: on many generated events with a secret in each place the rules cover, it never
says "nothing to replace" of an event that the full walk changes, and it says so of most clean ones."""

import copy
import random

import pytest

from minisentry.processing import codec, legacy, prescan
from minisentry.processing.cards import may_hold_cards
from minisentry.processing.scrubbing import Scrubber, _filterable

from ..browse import platform_events
from ..uihelpers import exception_event, message_event

WORDS = ("password", "passwd", "secret", "api_key", "apikey", "auth", "credentials", "mysql_pwd", "private_key",
         "privatekey", "token", "session", "csrf", "xsrf", "credit_card", "creditcard", "card_number", "cardnumber",
         "card[number]", "cvv", "cvc", "otp", "two_factor", "cookie", "set_cookie", "http_cookie")
COOKIES = ("phpsessid", "PHPSESSID", "symfony", "_vercel_jwt", "-vercel-jwt", "connect.sid")
VALUES = ("s3cr3t", "", "[Filtered]", 7, 2.5, 0, True, None, [], ["x"], [["k", "v"]], {}, {"inner": "v"},
          {"password": "p"}, "a=1&token=t", "https://u:pw@host/")
QUERY_KEYS = ("query_string", "Query-String", "query", "http.query", "fragment", "QUERY STRING")
URL_KEYS = ("url", "URL", "Referer", "referrer", "callback_url", "Next-Url")
HARMLESS = ("plan", "order", "data", "request", "frames", "url", "headers", "vars", "note")


def spell(rng: random.Random, word: str) -> str:
    """``word`` as a key might spell it: any case, ``-``, ``_`` or a space between its parts, maybe inside
    a longer name, maybe with the characters that lowercase to ASCII."""
    parts = word.split("_")
    text = rng.choice("-_ ").join(parts) if len(parts) > 1 else word
    text = "".join(c.upper() if rng.random() < 0.3 else c for c in text)
    if rng.random() < 0.1:
        text = text.replace("k", "\u212a", 1).replace("K", "\u212a", 1)
    if rng.random() < 0.05 and "i" in text:
        text = text.replace("i", "\u0130", 1)  # lowercases to "i̇": the word no longer matches
    return rng.choice(["", "x_", "My-", " "]) + text + rng.choice(["", "_id", "s", " "])


def containers(value, found: list) -> list:
    if isinstance(value, dict):
        found.append(value)
        for child in value.values():
            containers(child, found)
    elif isinstance(value, list):
        found.append(value)
        for child in value:
            containers(child, found)
    return found


def name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return spell(rng, rng.choice(WORDS))
    if roll < 0.7:
        return rng.choice(COOKIES)
    if roll < 0.8:
        return rng.choice(QUERY_KEYS + URL_KEYS + ("cookies", "Cookies", "data"))
    return rng.choice(HARMLESS)


def string(rng: random.Random) -> str:
    """A string that one of the scrubber's readings may change (or not)."""
    secret = name(rng)
    return rng.choice([
        f"a=1&{secret}=x&b=2", f"{secret}=", f"theme=dark; {secret}=x", f"https://host/p?{secret}=x#{secret}=y",
        f"https://user:{secret}@host/p", f"https://user@host/?q={secret}", "https://u:[Filtered]@host/",
        f'{{"{secret}": "x"}}', f"plain text about {secret}", "q=tea", "", "[Filtered]", "://@",
        f"{secret}=[Filtered]&x=1", "https://host/a:b@c",
    ])


def plant(rng: random.Random, event: dict) -> None:
    """Put one thing the scrubber may replace somewhere in ``event``."""
    target = rng.choice(containers(event, []))
    kind = rng.randrange(4)
    if kind == 0:  # a key and a value
        value = copy.deepcopy(rng.choice(VALUES + (string(rng),)))
        key = name(rng)
    elif kind == 1:  # a pair list
        key, value = rng.choice(HARMLESS + ("headers", "query_string", "cookies")), [[name(rng), string(rng)]]
        if rng.random() < 0.3:
            value.append(["other", "x"])
    elif kind == 2:  # a string read by its shape
        key, value = rng.choice(QUERY_KEYS + URL_KEYS + ("cookies", "data", "Data")), string(rng)
    else:  # the request's own parts
        request = event.setdefault("request", {})
        target, key = (request if isinstance(request, dict) else event), rng.choice(("data", "cookies", "url"))
        value = rng.choice([string(rng), {name(rng): "x"}, {rng.choice(COOKIES): "x", "theme": "dark"}])
    if isinstance(target, dict):
        target[key] = value
    else:
        target.append([key, value] if rng.random() < 0.5 else value)


def bases() -> list[dict]:
    return [exception_event(), message_event("tea"), platform_events.java_event(), platform_events.csp_event(),
            {"message": "tiny"}]


SCRUBBERS = {
    "defaults": Scrubber((), (), True),
    "fields": Scrubber(("iban", "sort_code"), ("token_count", "csrftoken"), True),
    "no-cards": Scrubber((), (), False),
}


@pytest.mark.parametrize("config", SCRUBBERS)
def test_the_prescan_skips_only_walks_that_replace_nothing(config):
    scrubber, rng = SCRUBBERS[config], random.Random(f"prescan-{config}")
    quiet_count, replaced, originals = 0, 0, bases()
    for n in range(1500):
        event = copy.deepcopy(rng.choice(originals))  # the platform events share module-level frames
        for _ in range(rng.randrange(4)):
            plant(rng, event)
        if config == "fields" and rng.random() < 0.3:
            event.setdefault("extra", {})[spell(rng, rng.choice(["iban", "sort_code", "token_count"]))] = "DE89"
        if rng.random() < 0.05:  # a request as a list of pairs: its "data" is still a body
            event["request"] = [["data", string(rng)], [name(rng), string(rng)]]
        if rng.random() < 0.2:  # an older SDK's spelling, made modern before scrubbing
            event["sentry.interfaces.Http"] = event.pop("request", {"data": string(rng)})
            event["message"] = event.pop("message", None) or string(rng)
        raw = codec.dumps(event)
        given = codec.loads(raw)  # plain JSON, as the SDK hands it over
        quiet = prescan.survey(given, legacy.modernize(given), scrubber, _filterable)
        full = legacy.modernize(copy.deepcopy(given))
        result = scrubber.scrub(full, raw)
        cards = scrubber.cards and may_hold_cards(raw)  # scrubbing.survey's own look
        assert quiet is not None and not (quiet and result and not cards), (n, given)
        quiet_count += quiet
        replaced += result
    assert quiet_count > 300 and replaced > 300  # both paths were taken, many times


def test_clean_events_take_the_fast_path():
    scrubber = SCRUBBERS["defaults"]
    for event in bases() + [{"request": {"url": "https://host/?q=1", "cookies": {"theme": "dark"}, "data": "a=1"},
                             "extra": {"password": "[Filtered]", "token": "", "auth": None, "secret": {}},
                             "modules": {"django": "5.2"}, "message": "the session token expired"}]:
        given = codec.loads(codec.dumps(event))
        assert prescan.survey(given, legacy.modernize(given), scrubber, _filterable)
