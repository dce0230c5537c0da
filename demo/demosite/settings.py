"""A minimal Django project with minisentry installed: read it as the installation guide."""

import logging
import os
from pathlib import Path

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

import minisentry

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "django"  # the demo's database and stored events (gitignored)
SECRET_KEY = os.environ.get("DEMO_SECRET_KEY", "demo-only-not-secret")
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # optional: minisentry's "5 minutes ago" then follows the site's language
    "minisentry",
    "shop",  # the demo's own code (demo/shop/): its views raise real errors, `manage.py minisentry_demo` seeds them
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "demosite.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}}
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# minisentry: the index lives in the database above, each event's JSON in a blob store.
MINISENTRY_BACKEND = {
    "BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
    "OPTIONS": {"location": VAR_DIR / "events"},
}
MINISENTRY_SPOOL_DIR = VAR_DIR / "spool"  # events that could not be stored wait here

# sentry-sdk hands every event to minisentry; no DSN, so nothing is sent anywhere else.
sentry_sdk.init(
    before_send=minisentry.store(),
    integrations=[DjangoIntegration(), LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
    include_local_variables=True,
    environment="production",  # what minisentry_demo's seeded events carry too (it reads it from here)
    release="shop@1.5.0",  # the seeded shop's latest release
)
