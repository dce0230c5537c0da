"""The hooks: the "Errors" menu item, the admin URLs, the issue list's bulk actions, the projects
(Settings menu), and the permissions for group editing."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from minisentry.browse import queries

from . import urls
from .bulk_actions import BULK_ACTIONS
from .projects import ProjectsGroup
from .views import policy


class ErrorsMenuItem(MenuItem):
    """Shown to users who may view issues; its label counts the issues unresolved and seen in 24 hours."""

    def is_shown(self, request):
        return policy.user_has_permission(request.user, "view")

    def render_component(self, request):
        component = super().render_component(request)
        if count := queries.recent_unresolved_count():
            component.label = f"{self.label} ({count})"
        return component


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("errors/", include(urls, namespace="minisentry_wagtail"))]


@hooks.register("register_admin_menu_item")
def register_errors_menu_item():
    return ErrorsMenuItem(
        _("Errors"), reverse("minisentry_wagtail:issue_list"),
        name="minisentry-errors", icon_name="warning", order=9100,
    )


@hooks.register("register_admin_viewset")
def register_projects():
    return ProjectsGroup()


@hooks.register("register_permissions")
def register_permissions():
    return Permission.objects.filter(
        content_type__app_label="minisentry", codename__in=["view_issue", "change_issue", "delete_issue"],
    )


for action in BULK_ACTIONS:
    hooks.register("register_bulk_action", action)
