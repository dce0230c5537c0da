"""The WSGI application the real-server tests run under gunicorn: the test project with sentry-sdk
set up as the README says (``MINISENTRY_TEST_INGEST_FIRST=1``: with the ingest endpoint ahead of
it), and (``MINISENTRY_TEST_CAPTURE_AT_IMPORT=1``) an error logged while the
application loads, as a failed cache warm-up would, which ``--preload`` does in the master."""

import logging
import os

import sentry_sdk
from django.core.wsgi import get_wsgi_application
from sentry_sdk.integrations.django import DjangoIntegration

import minisentry
from minisentry.ingest.wsgi import ingest_first

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
sentry_sdk.init(before_send=minisentry.store(), integrations=[DjangoIntegration()])
application = get_wsgi_application()
if os.environ.get("MINISENTRY_TEST_INGEST_FIRST"):  # the endpoint ahead of the site, as the README shows
    application = ingest_first(application)
if os.environ.get("MINISENTRY_TEST_CAPTURE_AT_IMPORT"):
    logging.getLogger("tests.startup").error("cache warm-up failed while the application loaded")
