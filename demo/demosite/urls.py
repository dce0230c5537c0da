from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    # The DSN endpoint: the browser SDK, other services and sentry-cli report here (manage.py minisentry_dsn).
    path("minisentry/", include("minisentry.ingest.urls")),
    # minisentry's pages, under the admin (mount them before admin.site.urls).
    path("admin/_minisentry/", include("minisentry.urls")),
    path("admin/", admin.site.urls),
    path("", views.home),
    path("boom/", views.boom),
]
