"""The event's user as Sentry's ``sentry:user`` tag names it.

Sentry (``sentry.utils.eventuser``, its ``KEYWORD_MAP`` order) takes the first of the user's id,
username, email and IP address, as ``id:…``, ``username:…``, ``email:…`` or ``ip:…``. sentry-python
puts the client's address in ``user.ip_address`` when ``send_default_pii`` is on (from
``X-Forwarded-For``, ``X-Real-IP`` or ``REMOTE_ADDR``) and ``REMOTE_ADDR`` in ``request.env``;
older SDKs send only the latter, which Sentry's normalizer then copies to the user, as this does.
``{{auto}}`` (an SDK asking the server to fill in the sender's address) names nobody here.
"""

USER_KEYS = (("id", "id"), ("username", "username"), ("email", "email"), ("ip_address", "ip"))
AUTO_IP = "{{auto}}"


def user_key(event: dict) -> str:
    """``id:…``, else ``username:…``, ``email:…``, ``ip:…``; "" for an event without a user.
    Not yet cut to a column's length (the tag's value is, as every tag's)."""
    user = event.get("user")
    user = user if isinstance(user, dict) else {}
    for key, prefix in USER_KEYS:
        value = user.get(key)
        if value is not None and not isinstance(value, (dict, list, bool)) and value != "" and value != AUTO_IP:
            return f"{prefix}:{value}"
    request = event.get("request")
    env = request.get("env") if isinstance(request, dict) else None
    address = env.get("REMOTE_ADDR") if isinstance(env, dict) else None
    return f"ip:{address}" if isinstance(address, str) and address and address != AUTO_IP else ""
