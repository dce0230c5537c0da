"""Read-only admin for issues and events, linking into the browse UI."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Event, Issue
from .processing.prepare import EVENT_ID_RE


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows are written by the writer only; the admin lists them and links to the browse UI
    (subclasses define ``view_on_site``)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("browse"))
    def browse(self, obj):
        return format_html('<a href="{}">{}</a>', self.view_on_site(obj), _("open"))


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = ["title", "level", "status", "is_regression", "event_count", "last_seen", "browse"]
    list_filter = ["status", "level", "is_regression", "environment"]
    search_fields = ["title", "culprit", "message"]
    exclude = ["message"]
    show_full_result_count = False

    def view_on_site(self, obj):
        return reverse("minisentry:issue_detail", args=[obj.pk])


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "issue", "timestamp", "level", "environment", "release", "browse"]
    list_filter = ["level", "environment"]
    search_fields = ["event_id"]
    search_help_text = _("An event id (32 hex digits or a UUID).")
    list_select_related = ["issue"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        """Exact event ids only: the column is a UUID, and substring search would scan it."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if EVENT_ID_RE.fullmatch(term):
            return queryset.filter(event_id=term.replace("-", "").lower()), False
        return queryset.none(), False

    def view_on_site(self, obj):
        return reverse("minisentry:event_detail", args=[obj.event_id])
