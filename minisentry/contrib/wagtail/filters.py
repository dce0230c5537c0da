"""The issue list's filters in Wagtail's filter drawer."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from minisentry.browse import queries
from minisentry.browse.frequency import DEFAULT_SPARK, SPARK_RANGES
from minisentry.models import Issue, Level
from minisentry.templatetags.minisentry_ui import short_release

STATUS_CHOICES = [*Issue.Status.choices, ("all", _("All"))]


def tag_choices(column: str, label=str):
    return lambda: [(value, label(value)) for value in queries.filter_choices(column)]


class IssueFilterSet(WagtailFilterSet):
    """Status (unresolved unless asked otherwise), level, project (when there are several), and the
    environment or release of any event."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None,
        initial=Issue.Status.UNRESOLVED, widget=forms.RadioSelect,
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All"))
    project = django_filters.ChoiceFilter(
        label=_("Project"), choices=queries.project_choices, field_name="project__slug", empty_label=_("All"),
    )
    environment = django_filters.ChoiceFilter(
        label=_("Environment"), choices=tag_choices("environment"), method="filter_tag", empty_label=_("All"),
    )
    release = django_filters.ChoiceFilter(
        label=_("Release"), choices=tag_choices("release", short_release), method="filter_tag", empty_label=_("All"),
    )
    spark = django_filters.ChoiceFilter(
        label=_("Sparklines"), choices=[(key, label) for key, (_unit, _size, label) in SPARK_RANGES.items()],
        method="keep", empty_label=None, initial=DEFAULT_SPARK, widget=forms.RadioSelect,
    )

    class Meta:
        model = Issue
        fields = ["status", "level", "project", "environment", "release", "spark"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not (data.get("status") and data.get("spark")):
            data = data.copy()  # the defaults, as the radio buttons show them (no empty filter)
            data["status"] = data.get("status") or Issue.Status.UNRESOLVED
            data["spark"] = data.get("spark") or DEFAULT_SPARK
        super().__init__(data, *args, **kwargs)
        if not queries.several_projects():  # nothing about projects shows with one
            del self.filters["project"]

    def filter_status(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(status=value)

    def keep(self, queryset, name, value):
        """Not a filter: the sparklines' range, kept in the list's links (see ``SparklineColumn``)."""
        return queryset

    def filter_tag(self, queryset, name, value):
        return queryset.filter(queries.with_tag(name, value))
