"""The WSGI application the real-server tests run under gunicorn: the test project with sentry-sdk
set up as the README says, and (``MINISENTRY_TEST_CAPTURE_AT_IMPORT=1``) an error logged while the
application loads, as a failed cache warm-up would, which ``--preload`` does in the master."""

import logging
import os

import sentry_sdk
from django.core.wsgi import get_wsgi_application
from sentry_sdk.integrations.django import DjangoIntegration

import minisentry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
sentry_sdk.init(before_send=minisentry.store(), integrations=[DjangoIntegration()])
application = get_wsgi_application()
if os.environ.get("MINISENTRY_TEST_CAPTURE_AT_IMPORT"):
    logging.getLogger("tests.startup").error("cache warm-up failed while the application loaded")
