"""The issue list's columns: level, title with culprit, events, users, last seen, sparkline."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, Table, TitleColumn

from minisentry.browse.frequency import SPARK_RANGES, spark_range
from minisentry.templatetags.minisentry_ui import level_class


class CellColumn(Column):
    """A column whose cells render this app's template ``cells/<name>.html``."""

    def __init__(self, name, **kwargs):
        super().__init__(name, **kwargs)
        self.cell_template_name = f"minisentry_wagtail/cells/{name}.html"


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


def issue_columns(detail_url_name: str) -> list[Column]:
    return [
        CellColumn("level", label=_("Level"), width="1%"),
        IssueTitleColumn("title", label=_("Issue"), url_name=detail_url_name),
        CellColumn("event_count", label=_("Events"), sort_key="event_count", classname="ms-num", width="1%"),
        CellColumn("user_count", label=_("Users"), sort_key="user_count", classname="ms-num", width="1%"),
        DateColumn("last_seen", label=_("Last seen"), sort_key="last_seen", width="12%"),
        SparklineColumn("sparkline", label=_("Events over time"), width="1%"),
    ]
