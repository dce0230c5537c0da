"""The ingest endpoint's URLs, mounted by the site: ``path("minisentry/", include("minisentry.ingest.urls"))``
makes a DSN ``http://<public key>@<host>/minisentry/<project id>`` work with every Sentry SDK."""

from django.urls import path

from . import views

app_name = "minisentry_ingest"

urlpatterns = [
    path("api/<int:project_id>/envelope/", views.envelope, name="envelope"),
    path("api/<int:project_id>/store/", views.store, name="store"),
    path("api/<int:project_id>/security/", views.security, name="security"),
]
