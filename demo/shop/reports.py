"""Sales reports, built by a separate reporting backend."""

import random

import sentry_sdk


def request_report() -> None:
    """The backend's timeouts are one issue, whatever the stack trace says: a custom fingerprint."""
    with sentry_sdk.new_scope() as scope:
        scope.fingerprint = ["report-backend-timeout"]
        scope.set_tag("backend", random.choice(["reports-1", "reports-2"]))
        try:
            raise TimeoutError(f"report backend did not answer within {random.randint(5, 30)} s")
        except TimeoutError:
            sentry_sdk.capture_exception()
