"""The Wagtail admin's minisentry pages; ``wagtail_hooks`` mounts them at ``errors/`` under the admin."""

from django.urls import path

import minisentry.urls  # noqa: F401  (registers the event_id path converter)

from . import merge_views, views

app_name = "minisentry_wagtail"
urlpatterns = [
    path("", views.IssueIndexView.as_view(), name="issue_list"),
    path("results/", views.IssueIndexView.as_view(results_only=True), name="issue_list_results"),
    path("storage/", views.StorageView.as_view(), name="storage"),
    path("issues/action/", views.IssueActionView.as_view(), name="issue_action"),
    path("issues/merge/", merge_views.IssueMergeView.as_view(), name="issue_merge"),
    path("issues/<int:pk>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("issues/<int:pk>/events/", views.IssueEventsView.as_view(), name="issue_events"),
    path("issues/<int:pk>/hashes/", merge_views.IssueHashesView.as_view(), name="issue_hashes"),
    path("events/<event_id:event_id>/", views.EventDetailView.as_view(), name="event_detail"),
    path("events/<event_id:event_id>/json/", views.EventJsonView.as_view(), name="event_json"),
    path("events/<event_id:event_id>/raw/", views.EventRawView.as_view(), name="event_raw"),
]
