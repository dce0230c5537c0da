"""minisentry's pages in the Wagtail admin: the issue list (a generic ``IndexView``, with bulk
actions), the issue and event pages and an issue's events (the Django-admin UI's page bodies in
Wagtail's frame), the raw JSON, the issue actions and the Storage page. Each checks the Issue
model's permissions; refusals are 403 pages."""

from django.core.exceptions import PermissionDenied
from django.forms import Media
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import (
    IndexView,
    PermissionCheckedMixin,
    WagtailAdminTemplateMixin,
)
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from minisentry.browse import queries
from minisentry.browse.activity import activity_context, with_assignees
from minisentry.browse.event_list import events_context
from minisentry.browse.frames import Frame
from minisentry.browse.frequency import spark_range
from minisentry.browse.interfaces import frame_order, remember_frame_order
from minisentry.browse.merged import follow_merged
from minisentry.browse.search import HINT, Query, parse
from minisentry.browse.views import (
    ISSUES_PER_PAGE,
    act_on_issues,
    event_context,
    event_json_response,
    raw_context,
)
from minisentry.models import Event, Issue
from minisentry.ops.stats import collect
from minisentry.triage.status import wake_expired

from .columns import IssueTable, issue_columns
from .filters import IssueFilterSet
from .users import user_edit_url

policy = ModelPermissionPolicy(Issue)
FRAME = Frame(
    namespace="minisentry_wagtail", search_param="q", button="button button-small button-secondary",
    primary_button="button button-small", danger_button="button button-small no", table="listing",
)
ASSETS = Media(
    css={"all": ["minisentry/minisentry.css", "minisentry/glance.css", "minisentry_wagtail/minisentry_wagtail.css"]},
    js=["minisentry/copy.js"],
)
TITLE = gettext_lazy("Errors")


class Guarded(PermissionCheckedMixin):
    """Needs ``permission_required`` on issues (view, unless said otherwise); else a 403 page in
    Wagtail's frame (raised ``PermissionDenied`` would become Wagtail's redirect to the dashboard).
    Never cached, never framed."""

    permission_policy = policy
    permission_required = "view"
    any_permission_required = None

    @method_decorator([never_cache, xframe_options_deny])
    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return TemplateResponse(request, "minisentry_wagtail/forbidden.html", {
                "page_title": TITLE, "header_title": TITLE, "header_icon": "warning",
            }, status=403)


class IssueIndexView(Guarded, IndexView):
    """The issue list; its search is ``queries.search``'s, bounded, under ``queries.time_limit``."""

    model = Issue
    template_name = "minisentry_wagtail/issue_list.html"
    results_template_name = "minisentry_wagtail/issue_list_results.html"
    index_url_name = "minisentry_wagtail:issue_list"
    index_results_url_name = "minisentry_wagtail:issue_list_results"
    page_title = TITLE
    header_icon = "warning"
    paginate_by = ISSUES_PER_PAGE
    default_ordering = "-last_seen"
    filterset_class = IssueFilterSet
    search_fields = ["title", "culprit", "message"]  # what queries.search looks at, besides tags
    table_class = IssueTable
    table_classname = "listing ms-issues"

    def setup(self, request, *args, **kwargs):
        request.GET = params = queries.without_nuls(request.GET)
        if status := parse(params.get("q", "")).status:  # an is: term wins over the filter
            request.GET = params.copy()
            request.GET["status"] = status
        super().setup(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        """A pasted event id opens that event (not in the results fetched as one types)."""
        if not self.results_only and (event_id := queries.searched_event(self.search)):
            return redirect("minisentry_wagtail:event_detail", event_id)
        wake_expired()
        return super().get(request, *args, **kwargs)

    @cached_property
    def can_change(self) -> bool:
        return policy.user_has_permission(self.request.user, "change")

    @cached_property
    def columns(self):
        return issue_columns("minisentry_wagtail:issue_detail", bulk_actions=self.can_change)

    @cached_property
    def header_buttons(self):
        return [HeaderButton(_("Storage"), url=reverse("minisentry_wagtail:storage"), icon_name="folder-inverse")]

    def get_search_form(self):
        """Wagtail's search box, hinting at the syntax as the Django-admin look's does."""
        form = super().get_search_form()
        if form is not None:
            form.fields["q"].widget.attrs["placeholder"] = HINT
        return form

    @cached_property
    def search(self) -> Query:
        return parse(self.search_query or "")

    def search_queryset(self, queryset):
        return queries.search(queryset, self.search, self.request.user) if self.is_searching else queryset

    def order_queryset(self, queryset):
        return queryset.order_by(self.ordering, "-pk")

    def get_table(self, object_list):
        return super().get_table(with_assignees(queries.with_sparklines(object_list, spark_range(self.request.GET))))

    def get_context_data(self, *args, **kwargs):
        notices = self.search.notices
        try:
            with queries.time_limit():
                context = super().get_context_data(*args, **kwargs)
        except queries.ListTimeout:
            self.object_list = self.object_list.none()
            context = super().get_context_data(*args, **kwargs)
            notices = [*notices, queries.TIMEOUT_NOTICE]
        context["media"] += ASSETS
        context["notices"] = notices
        context["bulk_actions"] = self.can_change
        return context


class ErrorsPage(Guarded, WagtailAdminTemplateMixin):
    """A page below "Errors" in the breadcrumbs, rendering minisentry's shared page bodies."""

    header_icon = "warning"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("minisentry_wagtail:issue_list"), "label": TITLE},
                {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(**{
            "frame": FRAME, "media": ASSETS,
            "can_change": policy.user_has_permission(user, "change"),
            "can_delete": policy.user_has_permission(user, "delete"), **kwargs,
        })


class IssuePage(ErrorsPage, TemplateView):
    issue = None

    def get_page_title(self):
        return self.issue.title

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{"issue": self.issue, **kwargs})


class IssueDetailView(IssuePage):
    template_name = "minisentry_wagtail/issue_detail.html"

    @method_decorator(follow_merged(FRAME, "issue_detail"))
    def get(self, request, pk: int):
        wake_expired()
        self.issue = get_object_or_404(Issue.objects.select_related("project"), pk=pk)
        return self.render_event(queries.latest_event(self.issue))

    def render_event(self, event):
        user = self.request.user
        context = {**event_context(self.issue, event, frame_order(self.request), user, user_edit_url(user)),
                   **activity_context(self.request, self.issue, FRAME)}
        return remember_frame_order(self.request, self.render_to_response(self.get_context_data(**context)))


class EventDetailView(IssueDetailView):
    def get(self, request, event_id: str):
        event = get_object_or_404(Event.objects.select_related("issue__project"), event_id=event_id)
        self.issue = event.issue
        return self.render_event(event)


class IssueEventsView(IssuePage):
    template_name = "minisentry_wagtail/issue_events.html"

    def get_page_title(self):
        return _("Events of %(title)s") % {"title": Truncator(self.issue.title).chars(80)}

    @method_decorator(follow_merged(FRAME, "issue_events"))
    def get(self, request, pk: int):
        self.issue = get_object_or_404(Issue.objects.select_related("project"), pk=pk)
        context = events_context(self.issue, queries.without_nuls(request.GET))
        return self.render_to_response(self.get_context_data(**context))


class EventRawView(IssuePage):
    template_name = "minisentry_wagtail/event_raw.html"

    def get_page_title(self):
        return _("JSON of event %(id)s") % {"id": self.event_id}

    def get(self, request, event_id: str):
        event = get_object_or_404(Event.objects.select_related("issue"), event_id=event_id)
        self.issue, self.event_id = event.issue, event.event_id
        return self.render_to_response(self.get_context_data(**raw_context(event)))


class StorageView(ErrorsPage, TemplateView):
    """The figures of ``minisentry_stats``, as the Django-admin UI's Storage page shows them."""

    template_name = "minisentry_wagtail/storage.html"
    page_title = gettext_lazy("Storage")
    header_icon = "folder-inverse"

    def get_context_data(self, **kwargs):
        return super().get_context_data(stats=collect(), **kwargs)


class EventJsonView(Guarded, View):
    def get(self, request, event_id: str):
        return event_json_response(event_id)


class IssueActionView(ErrorsPage, View):
    """Resolve, ignore, unresolve or delete issues (POST), as in the Django-admin UI."""

    permission_required = "change"
    template_name = "minisentry_wagtail/confirm_delete.html"
    page_title = gettext_lazy("Delete issues?")
    header_icon = "bin"

    def post(self, request):
        return act_on_issues(request, FRAME, messages, self.confirm_delete)

    def confirm_delete(self, context):
        return self.render_to_response(self.get_context_data(**context))
