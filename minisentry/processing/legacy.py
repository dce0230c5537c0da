"""Legacy interface keys of older SDKs, renamed to the modern ones as Sentry's normalizer does.

Relay reads ``sentry.interfaces.Exception`` as ``exception`` (its ``legacy_alias`` attributes),
Sentry also accepted the interfaces' import paths (``sentry.interfaces.stacktrace.Stacktrace``,
its ``SENTRY_INTERFACES``), and a few values had older shapes: an exception, breadcrumb or thread
list without ``{"values": ...}``, a message as a plain string. :func:`modernize` is pure: it
returns a new event (sharing the untouched values) and leaves its argument alone. A legacy value
beside its modern key is dropped (the modern one wins); :func:`modernized` says when that happened,
since the event's JSON then holds a value the modern event does not (and scrubbing does not see).
"""

from .security import with_report_summary

ALIASES = {
    "sentry.interfaces.Exception": "exception",
    "sentry.interfaces.Stacktrace": "stacktrace",
    "sentry.interfaces.Message": "logentry",
    "sentry.interfaces.Http": "request",
    "sentry.interfaces.User": "user",
    "sentry.interfaces.Template": "template",
    "sentry.interfaces.Contexts": "contexts",
    "sentry.interfaces.Breadcrumbs": "breadcrumbs",
    "sentry.interfaces.Csp": "csp",
    "sentry.interfaces.Hpkp": "hpkp",
    "sentry.interfaces.ExpectCT": "expectct",
    "sentry.interfaces.ExpectStaple": "expectstaple",
    "sentry.interfaces.exception.Exception": "exception",
    "sentry.interfaces.stacktrace.Stacktrace": "stacktrace",
    "sentry.interfaces.message.Message": "logentry",
    "sentry.interfaces.http.Http": "request",
    "sentry.interfaces.user.User": "user",
    "sentry.interfaces.template.Template": "template",
    "sentry.interfaces.contexts.Contexts": "contexts",
    "sentry.interfaces.breadcrumbs.Breadcrumbs": "breadcrumbs",
    "sentry.interfaces.threads.Threads": "threads",
    "sentry.interfaces.debug_meta.DebugMeta": "debug_meta",
    "sentry.interfaces.sdk.Sdk": "sdk",
    "sentry.interfaces.security.Csp": "csp",
    "sentry.interfaces.security.Hpkp": "hpkp",
    "sentry.interfaces.security.ExpectCT": "expectct",
    "sentry.interfaces.security.ExpectStaple": "expectstaple",
}
VALUES_LISTS = ("exception", "breadcrumbs", "threads")  # {"values": [...]} also given as the bare list
SECURITY_REPORTS = ("csp", "hpkp", "expectct", "expectstaple")


def modernize(event: dict) -> dict:
    """``event`` with legacy keys and shapes made modern; the modern key wins where both are given."""
    return modernized(event)[0]


def modernized(event: dict) -> tuple[dict, bool]:
    """:func:`modernize`'s event, and whether a legacy key's value was dropped (shadowed by a modern one)."""
    event, meta = dict(event), dict(event["_meta"]) if isinstance(event.get("_meta"), dict) else None
    dropped = False
    for legacy, modern in ALIASES.items():
        if legacy in event:
            value = event.pop(legacy)
            if event.get(modern) is None:
                event[modern] = value
                if meta is not None and legacy in meta:
                    meta[modern] = meta.pop(legacy)
            else:
                dropped = True
                if meta is not None:
                    meta.pop(legacy, None)
    if isinstance(event.get("message"), str) and event.get("logentry") is None:
        event["logentry"] = {"formatted": event.pop("message")}
        if meta is not None and "message" in meta:
            meta["logentry"] = {"formatted": meta.pop("message")}
    if isinstance(event.get("logentry"), str):
        event["logentry"] = {"formatted": event["logentry"]}
    if isinstance(event.get("exception"), dict) and "values" not in event["exception"]:
        event["exception"] = [event["exception"]]  # a lone exception object
    for key in VALUES_LISTS:
        if isinstance(event.get(key), list):
            event[key] = {"values": event[key]}
    move_stacktrace_into_lone_exception(event)
    for key in SECURITY_REPORTS:  # the reports' own spelling is kebab-case ("blocked-uri")
        if isinstance(event.get(key), dict):
            event[key] = {str(k).replace("-", "_"): v for k, v in event[key].items()}
    csp = event.get("csp")
    if isinstance(csp, dict) and not csp.get("effective_directive") and isinstance(csp.get("violated_directive"), str):
        csp["effective_directive"] = next(iter(csp["violated_directive"].split()), "")  # Firefox sends none
    if meta is not None:
        event["_meta"] = meta
    return with_report_summary(event), dropped


def move_stacktrace_into_lone_exception(event: dict) -> None:
    """A top-level stack trace beside one exception without its own is that exception's (as in Relay)."""
    container, stacktrace = event.get("exception"), event.get("stacktrace")
    values = container.get("values") if isinstance(container, dict) else None
    if isinstance(stacktrace, dict) and isinstance(values, list) and len(values) == 1 and isinstance(values[0], dict) \
            and not values[0].get("stacktrace"):
        event["exception"] = {**container, "values": [{**values[0], "stacktrace": event.pop("stacktrace")}]}
