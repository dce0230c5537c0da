"""The test site with the ingest endpoint mounted as the README says (the other tests run on
``tests.urls``, a site that never mounts it)."""

from django.urls import include, path

from ..urls import urlpatterns as site

urlpatterns = [path("minisentry/", include("minisentry.ingest.urls")), *site]
