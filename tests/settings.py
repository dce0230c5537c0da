"""Test settings. ``MINISENTRY_TEST_DB=postgres`` switches from SQLite to PostgreSQL."""

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "tests-only"
# Django's own advice for tests: a cheap hasher. PBKDF2's million rounds cost every test that makes
# a user with a password, or logs one in, about half a second of CPU per hash on this machine.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
# The ingest tests' real servers mount the endpoint (tests.ingest.urls); every other test runs without it.
ROOT_URLCONF = os.environ.get("MINISENTRY_TEST_URLCONF", "tests.urls")
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "minisentry",
    "shop",  # the demo site's app (demo/shop/): `minisentry_demo` seeds real errors for the UI tests
]
sys.path.append(str(BASE_DIR.parent / "demo"))
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
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
STATIC_URL = "/static/"

# Wagtail is an optional extra: with it installed, its admin (at /cms/) shows minisentry too.
# MINISENTRY_TEST_WAGTAIL=0 leaves it out (the benchmarks, which migrate a database per script).
WAGTAIL = os.environ.get("MINISENTRY_TEST_WAGTAIL") != "0" and importlib.util.find_spec("wagtail") is not None
if WAGTAIL:
    INSTALLED_APPS += [
        "wagtail.users", "wagtail.images", "wagtail.documents", "wagtail.admin", "wagtail",
        "modelcluster", "taggit", "minisentry.contrib.wagtail",
    ]
    WAGTAIL_SITE_NAME = "minisentry tests"
    WAGTAILADMIN_BASE_URL = "http://testserver"

# Writer subprocesses of the multi-process tests find the test database through these.
_work = Path(os.environ.setdefault("MINISENTRY_TEST_WORKDIR", tempfile.mkdtemp(prefix="minisentry-tests-")))
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):  # pytest -n: each worker its own database, blobs and spool
    _work = _work / _worker
    _work.mkdir(exist_ok=True)
if os.environ.get("MINISENTRY_TEST_DB", "sqlite") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            # Subprocesses of a test run connect straight to the test database.
            "NAME": os.environ["MINISENTRY_TEST_DB_NAME"] if os.environ.get("MINISENTRY_TEST_USE_TEST_DB") else "test",
            "USER": os.environ.get("PGUSER", "postgres"),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "TEST": {"NAME": os.environ.setdefault("MINISENTRY_TEST_DB_NAME", f"test_minisentry_{os.getpid()}")},
            # the browse benchmark keeps connections, as production sites do (CONN_MAX_AGE or a pool)
            "CONN_MAX_AGE": int(os.environ.get("MINISENTRY_TEST_CONN_MAX_AGE", "0")),
        }
    }
else:
    _sqlite = os.environ.get("MINISENTRY_TEST_DB_NAME", str(_work / "test.sqlite3"))
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _sqlite,
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 30},
            "TEST": {"NAME": _sqlite},
        }
    }

MINISENTRY_BACKEND = json.loads(os.environ.get("MINISENTRY_TEST_BACKEND", "null")) or {
    "BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
    "OPTIONS": {"location": str(_work / "blobs")},
}
MINISENTRY_SPOOL_DIR = os.environ.get("MINISENTRY_TEST_SPOOL_DIR", str(_work / "spool"))
# Subprocesses (real servers, forks) retry as in production: SQLite refuses a connection while
# another process checkpoints its WAL, for a moment.
MINISENTRY_RETRY_DELAY = float(os.environ.get("MINISENTRY_TEST_RETRY_DELAY", "0.01"))
MINISENTRY_SPOOL_CHECK_INTERVAL = 0
MINISENTRY_SHUTDOWN_TIMEOUT = float(os.environ.get("MINISENTRY_TEST_SHUTDOWN_TIMEOUT", "5"))
MINISENTRY_QUEUE_SIZE = int(os.environ.get("MINISENTRY_TEST_QUEUE_SIZE", "10000"))
if os.environ.get("MINISENTRY_TEST_WRITER_NICENESS"):  # the benchmarks' A/B: "idle" or a number
    _niceness = os.environ["MINISENTRY_TEST_WRITER_NICENESS"]
    MINISENTRY_WRITER_NICENESS = _niceness if _niceness == "idle" else int(_niceness)
if os.environ.get("MINISENTRY_TEST_RATE_LIMIT_CACHE"):  # JSON: a cache the processes share (Redis)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
              "rates": json.loads(os.environ["MINISENTRY_TEST_RATE_LIMIT_CACHE"])}
    MINISENTRY_INGEST_RATE_LIMIT_CACHE = "rates"
if "MINISENTRY_TEST_STORM" in os.environ:  # JSON; "null" stores every event (tests not about storms)
    MINISENTRY_STORM = json.loads(os.environ["MINISENTRY_TEST_STORM"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"minisentry": {"handlers": ["console"], "level": "WARNING"}},
}
