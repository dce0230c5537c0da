"""The gunicorn storm's application: the test project (``tests.urls``: ``/fail/N/`` raises) with
sentry-sdk set up as the README says, ``before_send`` chosen by ``MINISENTRY_BENCH_HOOK``:
``minisentry`` (its default settings), ``minisentry-storm-off`` (``MINISENTRY_STORM = None``:
every event stored) or ``discard`` (``lambda event, hint: None``: the SDK's own cost)."""

import os

import sentry_sdk
from django.core.wsgi import get_wsgi_application
from django.test import override_settings
from sentry_sdk.integrations.django import DjangoIntegration

import minisentry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
HOOK = os.environ.get("MINISENTRY_BENCH_HOOK", "minisentry")
application = get_wsgi_application()
if HOOK == "minisentry-storm-off":
    override_settings(MINISENTRY_STORM=None).enable()
sentry_sdk.init(before_send=(lambda event, hint: None) if HOOK == "discard" else minisentry.store(),
                integrations=[DjangoIntegration()])
