"""Projects and their keys under Wagtail's Settings menu: the DSN of each key in the key list."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from minisentry.models import Project, ProjectKey


class DsnColumn(Column):
    """The key's DSN on the site as the request reached it."""

    def get_value(self, instance):
        return instance.public_key

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        dsn = instance.dsn(request.build_absolute_uri("/")) if request else None
        context["value"] = dsn or _("mount minisentry.ingest.urls for a DSN")
        return context


class ProjectViewSet(ModelViewSet):
    model = Project
    icon = "site"
    form_fields = ["name", "slug", "allowed_origins", "rate_limit"]
    list_display = ["name", "slug", "rate_limit"]
    search_fields = ["name", "slug"]
    inspect_view_enabled = True


class ProjectKeyViewSet(ModelViewSet):
    model = ProjectKey
    icon = "key"
    menu_label = _("Keys (DSNs)")
    form_fields = ["project", "label", "is_active", "rate_limit"]
    list_display = ["project", "label", DsnColumn("dsn", label=_("DSN")), "is_active"]
    list_filter = ["project", "is_active"]


class ProjectsGroup(ModelViewSetGroup):
    """"Error projects" in the Settings menu: the projects, and their keys."""

    menu_label = _("Error projects")
    menu_icon = "warning"
    add_to_settings_menu = True
    items = (ProjectViewSet("minisentry_projects"), ProjectKeyViewSet("minisentry_project_keys"))
