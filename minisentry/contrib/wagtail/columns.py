"""The issue list's columns: (bulk-action checkboxes,) level, title with culprit, events, users,
sparkline, assignee, first and last seen."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    Column,
    Table,
    TitleColumn,
)

from minisentry.browse.frequency import SPARK_RANGES, spark_range
from minisentry.templatetags.minisentry_ui import level_class


class CellColumn(Column):
    """A column whose cells render this app's template ``cells/<cell>.html`` (``cell`` defaults to the name)."""

    def __init__(self, name, cell: str = "", **kwargs):
        super().__init__(name, **kwargs)
        self.cell_template_name = f"minisentry_wagtail/cells/{cell or name}.html"


class SparklineColumn(CellColumn):
    """The sparklines; the header names their range and links to the other one (``spark``)."""

    header_template_name = "minisentry_wagtail/cells/sparkline_header.html"

    def get_header_context_data(self, parent_context):
        request = parent_context["request"]
        params = request.GET.copy()
        params.pop("p", None)
        return {**super().get_header_context_data(parent_context), "params": params.urlencode(),
                "spark": spark_range(request.GET), "spark_ranges": SPARK_RANGES}


class IssueTitleColumn(TitleColumn):
    cell_template_name = "minisentry_wagtail/cells/title.html"


class IssueTable(Table):
    """Rows carry their level's class, for the coloured bar beside the title."""

    def get_row_classname(self, instance):
        return f"ms-issue {level_class(instance.level)}"


def issue_columns(detail_url_name: str, bulk_actions: bool = False) -> list[Column]:
    """With ``bulk_actions``, a first column of checkboxes for the bulk actions' footer."""
    checkboxes = [BulkActionsCheckboxColumn("bulk_actions", obj_type="issue")] if bulk_actions else []
    return [
        *checkboxes,
        CellColumn("level", label=_("Level"), width="1%"),
        IssueTitleColumn("title", label=_("Issue"), url_name=detail_url_name,
                         get_title_id=lambda issue: f"issue_{issue.pk}_title"),
        CellColumn("event_count", label=_("Events"), sort_key="event_count", classname="ms-num", width="1%"),
        CellColumn("user_count", label=_("Users"), sort_key="user_count", classname="ms-num", width="1%"),
        SparklineColumn("sparkline", label=_("Events over time"), width="1%"),
        CellColumn("assignee", accessor="assignee_label", label=_("Assignee"), width="1%"),
        CellColumn("first_seen", cell="seen", label=_("First seen"), sort_key="first_seen", width="1%"),
        CellColumn("last_seen", cell="seen", label=_("Last seen"), sort_key="last_seen", width="1%"),
    ]
