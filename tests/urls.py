import logging

from django.conf import settings
from django.contrib import admin
from django.urls import include, path


def fail(request, n: int):
    """A view that logs ``?log=K`` errors, then raises, for the real-server tests."""
    for i in range(int(request.GET.get("log", "0"))):
        logging.getLogger("tests.views").error("request %d logs error %d", n, i)
    raise RuntimeError(f"request {n} failed")


urlpatterns = [
    path("fail/<int:n>/", fail),
    path("admin/_minisentry/", include("minisentry.urls")),
    path("admin/", admin.site.urls),
    path("", include("minisentry.api.urls")),
]
if settings.WAGTAIL:
    from wagtail.admin import urls as wagtailadmin_urls

    urlpatterns.append(path("cms/", include(wagtailadmin_urls)))
