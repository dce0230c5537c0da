"""Read-only admin for issues and events, linking into the browse UI."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .fields import event_id
from .models import Event, Issue


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows are written by the writer only; the admin lists them, each row linked to its page in the
    browse UI (subclasses define ``view_on_site``), and the list's header links to the issue browser."""

    change_list_template = "admin/minisentry/change_list.html"
    list_display_links = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def browse_link(self, obj, text):
        """``text`` linked to ``obj``'s page in the issue browser (rows lead there, not to the read-only form)."""
        return format_html('<a href="{}">{}</a>', self.view_on_site(obj), text)


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = ["issue_title", "level", "status", "is_regression", "event_count", "last_seen"]
    list_filter = ["status", "level", "is_regression", "environment"]
    search_fields = ["title", "culprit", "message"]
    exclude = ["message"]
    show_full_result_count = False

    @admin.display(description=_("title"), ordering="title")
    def issue_title(self, obj):
        return self.browse_link(obj, obj.title)

    def view_on_site(self, obj):
        return reverse("minisentry:issue_detail", args=[obj.pk])


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["event", "issue", "timestamp", "level", "environment", "release"]
    list_filter = ["level", "environment"]
    search_fields = ["event_id"]
    search_help_text = _("An event id (32 hex digits or a UUID).")
    list_select_related = ["issue"]
    show_full_result_count = False

    @admin.display(description=_("event id"), ordering="event_id")
    def event(self, obj):
        return self.browse_link(obj, obj.event_id)

    def get_search_results(self, request, queryset, search_term):
        """Exact event ids only: the column is a UUID, and substring search would scan it."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if found := event_id(term):
            return queryset.filter(event_id=found), False
        return queryset.none(), False

    def view_on_site(self, obj):
        return reverse("minisentry:event_detail", args=[obj.event_id])
