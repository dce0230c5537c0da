"""Read-only admin for issues and events, linking into the browse UI: minisentry's own pages
(``include("minisentry.urls")``), else Wagtail's (``minisentry.contrib.wagtail``), else none; and
projects with their keys, each key's DSN shown for copying."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .api.tokens import new_token
from .fields import event_id
from .models import ApiToken, Event, Issue, Project, ProjectKey

NAMESPACES = ("minisentry", "minisentry_wagtail")  # the browse UI in the Django admin's frame, in Wagtail's


def browser_url(name: str, *args) -> str | None:
    """The URL of the browse UI's page ``name``, in the first frame mounted; None when neither is."""
    for namespace in NAMESPACES:
        try:
            return reverse(f"{namespace}:{name}", args=args)
        except NoReverseMatch:
            continue
    return None


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
        url = self.view_on_site(obj)
        return format_html('<a href="{}">{}</a>', url, text) if url else text


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

    def changelist_view(self, request, extra_context=None):
        """The issue browser itself (the admin index's "Issues" leads there); this read-only list
        only when no browse UI is mounted."""
        url = browser_url("issue_list")
        return redirect(url) if url else super().changelist_view(request, extra_context)

    def view_on_site(self, obj):
        return browser_url("issue_detail", obj.pk)


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
        return browser_url("event_detail", obj.event_id)


def site_url(request) -> str:
    """The site's scheme and host as this request reached it, for a DSN."""
    return request.build_absolute_uri("/")


class ProjectKeyInline(admin.TabularInline):
    model = ProjectKey
    extra = 0
    fields = ["public_key", "label", "is_active", "rate_limit", "created"]
    readonly_fields = ["public_key", "created"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "issue_count", "active_keys"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    inlines = [ProjectKeyInline]
    actions = ["rotate_keys"]
    change_form_template = "admin/minisentry/project_change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            issues_n=Count("issues", distinct=True),
            keys_n=Count("keys", filter=Q(keys__is_active=True), distinct=True),
        )

    @admin.display(description=_("issues"), ordering="issues_n")
    def issue_count(self, obj):
        return obj.issues_n

    @admin.display(description=_("active keys"), ordering="keys_n")
    def active_keys(self, obj):
        return obj.keys_n

    def change_view(self, request, object_id, form_url="", extra_context=None):
        keys = ProjectKey.objects.filter(project_id=object_id).order_by("-is_active", "created")
        extra = {"dsns": [(key, key.dsn(site_url(request))) for key in keys] if object_id.isdigit() else []}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.keys.exists():  # a new project reports from the start
            ProjectKey.objects.create(project=form.instance)

    @admin.action(description=_("Rotate keys: a new key for each, the old ones disabled"),
                  permissions=["change"])
    def rotate_keys(self, request, queryset):
        with transaction.atomic():
            for project in queryset:
                project.keys.update(is_active=False)
                ProjectKey.objects.create(project=project, label=_("rotated"))
        n = queryset.count()
        self.message_user(request, ngettext(
            "%(n)d project has a new key; its old keys are disabled.",
            "%(n)d projects have a new key; their old keys are disabled.", n) % {"n": n}, messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens for the API: the token shows once, when created; a user who is not a superuser sees
    and makes only their own (a token acts with its user's permissions)."""

    list_display = ["__str__", "user", "scope", "prefix", "created", "last_used"]
    fields = ["user", "scope", "label"]

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("user")
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["user", "scope"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = type(request.user).objects.filter(pk=request.user.pk)
            kwargs["initial"] = request.user.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, raw = new_token(obj.user, obj.scope, obj.label)
        obj.pk = token.pk
        self.message_user(request, _("The new token (copy it now: it is not shown again): %(token)s") % {"token": raw},
                          messages.WARNING)
