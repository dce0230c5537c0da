"""Customer accounts."""

import sentry_sdk


def load_settings(user_id: int) -> dict | None:
    return None  # the settings row of older accounts was never created


def theme_of(user_id: int) -> str:
    sentry_sdk.set_user({"id": str(user_id), "email": f"user{user_id}@example.com"})
    sentry_sdk.set_tag("plan", "pro" if user_id % 2 else "free")
    sentry_sdk.add_breadcrumb(category="auth", message=f"loaded session of user {user_id}", level="info")
    settings = load_settings(user_id)
    return settings["theme"]  # TypeError: None is not subscriptable
