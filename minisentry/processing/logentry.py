"""A log entry's text as Relay formats it when the SDK sent no ``formatted`` (``sentry-cli
send-event -m 'backup of %s failed' -a orders``, other SDKs' templates): its ``message`` with its
``params`` put in, Python-style (``%s``, ``%(name)s``) or curly (``{}``, ``{0}``). Widths and
precisions are read and left out, so that no template can ask for a huge string."""

import re

PYTHON = re.compile(r"%(?:\((?P<name>[^)]{0,100})\))?[-#0 +]*(?:\d{1,10}|\*)?(?:\.(?:\d{1,10}|\*))?(?P<kind>[%a-zA-Z])")
CURLY = re.compile(r"\{(?P<index>\d{0,6})\}")
MAX_PARAM = 1000  # characters of one parameter's text


def _text(value) -> str:
    return (value if isinstance(value, str) else repr(value) if value is not None else "None")[:MAX_PARAM]


def formatted(message: str, params) -> str | None:
    """``message`` with ``params`` (a list, or a dict for named ones) put in; None if they do not fit."""
    if "%" in message:
        return _python(message, params)
    if "{" in message and isinstance(params, list):
        return _curly(message, params)
    return None


def _python(message: str, params) -> str | None:
    position = 0

    def put(match: re.Match) -> str:
        nonlocal position
        if match["kind"] == "%":
            return "%"
        if match["name"] is not None:
            if not isinstance(params, dict) or match["name"] not in params:
                raise LookupError
            return _text(params[match["name"]])
        if not isinstance(params, list) or position >= len(params):
            raise LookupError
        position += 1
        return _text(params[position - 1])

    try:
        return PYTHON.sub(put, message)
    except LookupError:
        return None


def _curly(message: str, params: list) -> str | None:
    position = 0

    def put(match: re.Match) -> str:
        nonlocal position
        index = int(match["index"]) if match["index"] else position
        position += not match["index"]
        if index >= len(params):
            raise LookupError
        return _text(params[index])

    try:
        return CURLY.sub(put, message)
    except LookupError:
        return None
