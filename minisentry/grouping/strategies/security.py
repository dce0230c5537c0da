"""Security report strategy (Sentry's ``strategies/security.py``): a CSP report groups by its
effective directive and the blocked URI's scheme and host (or the kind of local script violation);
HPKP, Expect-CT and Expect-Staple reports by the reported hostname."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..component import Component
from ..enhancer import Rules
from ..utils import as_dict, as_str

LOCAL = "'self'"
HOSTNAME_REPORTS = (("expectct", "expect-ct"), ("expectstaple", "expect-staple"), ("hpkp", "hpkp"))


def normalize_uri(value: str | None) -> str:
    """``'self'`` for a local URI, the host for http(s), else ``scheme://host`` (or ``scheme:``)."""
    if value in (None, "", LOCAL, "self"):
        return LOCAL
    if ":" not in value:
        scheme, host = value, ""
    else:
        try:
            scheme, host = urlsplit(value)[:2]
        except ValueError:
            return value
        if scheme in ("http", "https"):
            return host
    return f"{scheme}://{host}" if host else f"{scheme}:" if scheme else ""


def local_script_violation(csp: dict) -> str | None:
    """``unsafe-inline`` / ``unsafe-eval`` for a script blocked from the page itself, else None."""
    violated = as_str(csp.get("violated_directive")) or ""
    if violated and csp.get("effective_directive") == "script-src" and normalize_uri(
            as_str(csp.get("blocked_uri"))) == LOCAL:
        if "'unsafe-inline'" in violated:
            return "unsafe-inline"
        if "'unsafe-eval'" in violated:
            return "unsafe-eval"
    return None


def security_strategy(ev: dict, rules: Rules) -> dict[str, Component]:
    """The report's component, when the event is a security report."""
    csp = as_dict(ev.get("csp"))
    if csp:
        violation = local_script_violation(csp)
        uri = normalize_uri(as_str(csp.get("blocked_uri")))
        return {"default": Component("csp", [
            Component("salt", [str(csp.get("effective_directive") or "")]),
            Component("violation", [f"'{violation}'"] if violation else [], contributes=bool(violation)),
            Component("uri", [uri], contributes=not violation),
        ])}
    for key, reported_id in HOSTNAME_REPORTS:
        report = as_dict(ev.get(key))
        if report:
            return {"default": Component(reported_id, [
                Component("salt", [reported_id]), Component("hostname", [str(report.get("hostname") or "")]),
            ])}
    return {}
