"""Mount with ``path("admin/_minisentry/", include("minisentry.urls"))`` before ``admin.site.urls``."""

from django.urls import path, register_converter

from .browse import merge_views, storage_views, views
from .fields import EVENT_ID_RE


class EventIdConverter:
    """32 hex digits, as events are stored; anything else is a 404 before any query."""

    regex = f"(?i:{EVENT_ID_RE.pattern})"

    def to_python(self, value: str) -> str:
        return value.lower()

    def to_url(self, value: str) -> str:
        return value


register_converter(EventIdConverter, "event_id")

app_name = "minisentry"
urlpatterns = [
    path("", views.issue_list, name="issue_list"),
    path("issues/action/", views.issue_action, name="issue_action"),
    path("issues/merge/", merge_views.issue_merge, name="issue_merge"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/events/", views.issue_events, name="issue_events"),
    path("issues/<int:pk>/hashes/", merge_views.issue_hashes, name="issue_hashes"),
    path("events/<event_id:event_id>/", views.event_detail, name="event_detail"),
    path("events/<event_id:event_id>/json/", views.event_json, name="event_json"),
    path("events/<event_id:event_id>/raw/", views.event_raw, name="event_raw"),
    path("storage/", storage_views.storage, name="storage"),
]
