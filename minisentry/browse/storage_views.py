"""The browse UI's Storage page: the figures of ``minisentry_stats``, for staff."""

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..ops.stats import collect
from .views import VIEW, page_context, protected, staff_view


@protected
@require_safe
@staff_view(VIEW)
def storage(request):
    return TemplateResponse(request, "minisentry/storage.html", page_context(request, _("Storage"), stats=collect()))
