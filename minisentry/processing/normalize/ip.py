"""The client's IP address, recorded only where the SDK asks for it and the site allows it.

An SDK asks by sending ``sdk.settings.infer_ip: "auto"`` (sentry-javascript 9 with
``sendDefaultPii``), or, without that setting (Relay's "legacy" mode), ``{{auto}}`` as
``user.ip_address`` or ``request.env.REMOTE_ADDR``, as Relay's ``normalize_ip_addresses`` reads
them; ``infer_ip: "never"`` (or any value Relay does not know) never asks. With
``MINISENTRY_INGEST_STORE_IP`` (default False) the endpoint's view of the address takes their
place; otherwise ``{{auto}}`` is removed. Unlike Relay, an address is never inferred for a
browser's or iOS event that did not ask (Relay's "legacy" rule). An ``ip_address`` that is no IP
address is removed.
"""

import ipaddress

from ... import conf
from .notes import Notes

AUTO = "{{auto}}"
NOT_STORED = "the client's address is not stored (MINISENTRY_INGEST_STORE_IP)"


def client_ip(event: dict, meta: dict, notes: Notes) -> None:
    user = event.get("user") if isinstance(event.get("user"), dict) else None
    request = event.get("request")
    env = request.get("env") if isinstance(request, dict) else None
    env = env if isinstance(env, dict) else None
    setting = infer_ip(event)
    placeholder = (user or {}).get("ip_address") == AUTO or (env or {}).get("REMOTE_ADDR") == AUTO
    asked = setting == "auto" or setting == "legacy" and placeholder
    address = meta.get("client_ip")
    allowed = asked and conf.get("INGEST_STORE_IP") is True and valid(address)
    if env is not None and env.get("REMOTE_ADDR") == AUTO:
        replace(env, "REMOTE_ADDR", address if allowed else None, notes, ("request", "env", "REMOTE_ADDR"))
    if user is not None and user.get("ip_address") not in (None, AUTO) and not valid(user["ip_address"]):
        del user["ip_address"]
        notes.error(("user", "ip_address"), "invalid_data", "not an IP address")
    if user is not None and user.get("ip_address") == AUTO or allowed and not (user or {}).get("ip_address"):
        if user is None:
            user = event["user"] = {}
        replace(user, "ip_address", address if allowed else None, notes, ("user", "ip_address"))


def infer_ip(event: dict) -> str:
    """Relay's ``AutoInferSetting``: ``"legacy"`` when not given, ``"never"`` when not understood."""
    sdk = event.get("sdk")
    settings = sdk.get("settings") if isinstance(sdk, dict) else None
    given = settings.get("infer_ip", "legacy") if isinstance(settings, dict) else "legacy"
    return given if given in ("auto", "never", "legacy") else "never"


def replace(container: dict, key: str, address: str | None, notes: Notes, path) -> None:
    if address is not None:
        container[key] = address
    else:
        container.pop(key, None)
        notes.error(path, "invalid_data", NOT_STORED)


def valid(address) -> bool:
    if not isinstance(address, str):
        return False
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True
