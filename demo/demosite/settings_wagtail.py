"""The demo site inside Wagtail's admin (``scripts/demo --wagtail``): read it as the Wagtail
installation guide. Wagtail's admin is at /admin/ with "Errors" in its menu; the Django admin
moves to /django-admin/."""

from .settings import *  # noqa: F403

# Its own database and events beside the Django-admin variant's: either can run or restart alone.
VAR_DIR = BASE_DIR / "var" / "wagtail"  # noqa: F405
DATABASES["default"]["NAME"] = VAR_DIR / "db.sqlite3"  # noqa: F405
MINISENTRY_BACKEND["OPTIONS"]["location"] = VAR_DIR / "events"  # noqa: F405
MINISENTRY_SPOOL_DIR = VAR_DIR / "spool"

INSTALLED_APPS += [  # noqa: F405
    # What Wagtail's admin needs (a real site has more: wagtail.sites, wagtail.search, its own pages…)
    "wagtail.users",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "minisentry.contrib.wagtail",  # after "minisentry": the "Errors" menu item and pages
]
ROOT_URLCONF = "demosite.urls_wagtail"
WAGTAIL_SITE_NAME = "minisentry demo"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
