"""What Relay makes of a browser's security report: the event of a raw report (``report_event``,
for the ingest endpoint's ``security`` items), its message ("Blocked 'script' from
'evil.example'") and culprit (the violated directive, normalized), so that the issue is titled as
Sentry titles it (only missing fields are filled)."""

import uuid
from urllib.parse import urlsplit

from ..grouping.strategies.security import LOCAL, local_script_violation, normalize_uri

# effective directive -> (message for a blocked URI, message for an inline/local violation)
CSP_MESSAGES = {
    "child-src": ("Blocked 'child' from '{uri}'", "Blocked inline 'child'"),
    "connect-src": ("Blocked 'connect' from '{uri}'", "Blocked inline 'connect'"),
    "font-src": ("Blocked 'font' from '{uri}'", "Blocked inline 'font'"),
    "form-action": ("Blocked 'form' action to '{uri}'", "Blocked inline 'form-action'"),
    "img-src": ("Blocked 'image' from '{uri}'", "Blocked inline 'image'"),
    "manifest-src": ("Blocked 'manifest' from '{uri}'", "Blocked inline 'manifest'"),
    "media-src": ("Blocked 'media' from '{uri}'", "Blocked inline 'media'"),
    "object-src": ("Blocked 'object' from '{uri}'", "Blocked inline 'object'"),
    "script-src": ("Blocked 'script' from '{uri}'", "Blocked unsafe (eval() or inline) 'script'"),
    "script-src-attr": ("Blocked inline script attribute from '{uri}'", "Blocked unsafe 'script' element"),
    "script-src-elem": ("Blocked 'script' from '{uri}'", "Blocked inline script attribute"),
    "style-src": ("Blocked 'style' from '{uri}'", "Blocked inline 'style'"),
    "style-src-elem": ("Blocked 'style' from '{uri}'", "Blocked 'style' or 'link' element"),
    "style-src-attr": ("Blocked style attribute from '{uri}'", "Blocked style attribute"),
}
HOSTNAME_MESSAGES = {
    "hpkp": "Public key pinning validation failed for '{host}'",
    "expectct": "Expect-CT failed for '{host}'",
    "expectstaple": "Expect-Staple failed for '{host}'",
}
KEYWORDS = ("'none'", "'self'", "'unsafe-inline'", "'unsafe-eval'")


def csp_message(csp: dict) -> str:
    directive = str(csp.get("effective_directive") or "")
    uri = normalize_uri(csp.get("blocked_uri") if isinstance(csp.get("blocked_uri"), str) else None)
    violation = local_script_violation(csp)
    if violation == "unsafe-inline":
        return "Blocked unsafe inline 'script'"
    if violation == "unsafe-eval":
        return "Blocked unsafe eval() 'script'"
    remote, local = CSP_MESSAGES.get(directive, ("Blocked '{directive}' from '{uri}'", "Blocked inline '{directive}'"))
    return (local if uri == LOCAL else remote).format(directive=directive, uri=uri)


def csp_culprit(csp: dict) -> str:
    """The violated directive, its sources that name the document's own origin as ``'self'``."""
    bits = str(csp.get("violated_directive") or "").split()
    if not bits:
        return ""
    document = csp.get("document_uri") if isinstance(csp.get("document_uri"), str) else ""
    origin = normalize_uri(document)
    try:
        scheme = urlsplit(document).scheme
    except ValueError:
        scheme = ""

    def source(value: str) -> str:
        if value in KEYWORDS:
            return value
        if value.startswith(("data:", "mediastream:", "blob:", "filesystem:", "http:", "https:", "file:")):
            return LOCAL if normalize_uri(value) == origin else value
        if value == origin:
            return LOCAL
        return value if scheme in ("http", "https", "") else f"{scheme}://{value}"

    return " ".join([bits[0], *map(source, bits[1:])])


def with_report_summary(event: dict) -> dict:
    """``event`` with a security report's message and culprit where it has none (changed in place)."""
    csp = event.get("csp")
    if isinstance(csp, dict):
        summary = (csp_message(csp), csp_culprit(csp))
    else:
        kind = next((k for k in HOSTNAME_MESSAGES if isinstance(event.get(k), dict)), None)
        if kind is None:
            return event
        host = str(event[kind].get("hostname") or "")
        summary = (HOSTNAME_MESSAGES[kind].format(host=host), host)
    if not event.get("logentry") and not event.get("message"):
        event["logentry"] = {"formatted": summary[0]}
    if not event.get("culprit") and summary[1]:
        event["culprit"] = summary[1]
    return event


# A browser's raw report (the security endpoint's body) -> the event Relay makes of it ------------

CSP_KEYS = {  # CSP level 3 (Reporting API, camelCase) -> the csp interface's keys
    "documentURL": "document_uri", "blockedURL": "blocked_uri", "effectiveDirective": "effective_directive",
    "originalPolicy": "original_policy", "referrer": "referrer", "statusCode": "status_code",
    "sourceFile": "source_file", "lineNumber": "line_number", "columnNumber": "column_number",
    "sample": "script_sample", "disposition": "disposition",
}
RAW_KINDS = {"expect-ct-report": "expectct", "expect-staple-report": "expectstaple"}


def report_event(report, received: float) -> dict:
    """The event of a raw security report (CSP in both its forms, Expect-CT, Expect-Staple, HPKP):
    its interface with Relay's key names, the document as the request, the time it was received.
    Any other object is taken as an event already (what Relay's envelopes carry as ``security``
    items); anything else raises ValueError."""
    if isinstance(report, list) and report:  # the Reporting API posts a list
        report = report[0]
        if not isinstance(report, dict) or report.get("type") != "csp-violation":
            raise ValueError("a list that is no Reporting API security report")
    if not isinstance(report, dict):
        raise ValueError("a security report must be a JSON object")
    event = {"event_id": uuid.uuid4().hex, "timestamp": received, "level": "error"}
    if isinstance(report.get("csp-report"), dict):
        csp = {key.replace("-", "_"): value for key, value in report["csp-report"].items()}
    elif report.get("type") == "csp-violation" and isinstance(report.get("body"), dict):
        csp = {CSP_KEYS[key]: value for key, value in report["body"].items() if key in CSP_KEYS}
    else:
        kind = next((k for k in RAW_KINDS if isinstance(report.get(k), dict)), None)
        if kind is not None:
            body = {key.replace("-", "_"): value for key, value in report[kind].items()}
            return event | {"logger": "security", RAW_KINDS[kind]: body}
        if isinstance(report.get("hostname"), str) and "known-pins" in report:
            return event | {"logger": "security", "hpkp": {k.replace("-", "_"): v for k, v in report.items()}}
        return report
    if not csp.get("effective_directive") and isinstance(csp.get("violated_directive"), str):
        csp["effective_directive"] = csp["violated_directive"].partition(" ")[0]
    document = csp.get("document_uri")
    event |= {"logger": "csp", "csp": csp, "tags": {
        "effective-directive": str(csp.get("effective_directive") or "")[:200],
        "blocked-uri": str(csp.get("blocked_uri") or "")[:200],
    }}
    if isinstance(document, str) and document:
        event["request"] = {"url": document}
    return event
