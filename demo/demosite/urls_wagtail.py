from django.contrib import admin
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

from . import views

urlpatterns = [
    # The DSN endpoint: the browser SDK, other services and sentry-cli report here (manage.py minisentry_dsn).
    path("minisentry/", include("minisentry.ingest.urls")),
    # Wagtail's admin: "minisentry.contrib.wagtail" adds its pages under it, nothing to mount here.
    path("admin/", include(wagtailadmin_urls)),
    # The Django-admin UI still works beside it.
    path("django-admin/_minisentry/", include("minisentry.urls")),
    path("django-admin/", admin.site.urls),
    path("", views.home),
    path("boom/", views.boom),
]
