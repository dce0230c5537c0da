"""Mount at the site's root, ``path("", include("minisentry.api.urls"))``: it claims only ``api/0/``
(sentry-cli takes no server URL with a path)."""

from django.urls import path

import minisentry.urls  # noqa: F401  (registers the event_id path converter)

from . import events, issues, root

app_name = "minisentry_api"
urlpatterns = [
    path("api/0/", root.index, name="index"),
    path("api/0/projects/<slug:org>/<slug:project>/issues/", issues.project_issues, name="project_issues"),
    path("api/0/projects/<slug:org>/<slug:project>/events/<event_id:event_id>/", events.project_event,
         name="project_event"),
    path("api/0/issues/<int:pk>/", issues.issue_detail, name="issue"),
    path("api/0/issues/<int:pk>/events/", events.issue_events, name="issue_events"),
    path("api/0/issues/<int:pk>/events/latest/", events.latest_event, name="latest_event"),
    path("api/0/organizations/<slug:org>/issues/<int:pk>/", issues.issue_detail, name="org_issue"),
    path("api/0/organizations/<slug:org>/issues/<int:pk>/events/", events.issue_events, name="org_issue_events"),
    path("api/0/organizations/<slug:org>/issues/<int:pk>/events/latest/", events.latest_event,
         name="org_latest_event"),
]
