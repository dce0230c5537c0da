"""The demo site inside Wagtail's admin (``scripts/demo --wagtail``): read it as the Wagtail
installation guide. Wagtail's admin is at /admin/ with "Errors" in its menu; the Django admin
moves to /django-admin/."""

from .settings import *  # noqa: F403

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
