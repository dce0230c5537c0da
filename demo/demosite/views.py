"""Two pages of the demo site: a home page, and one that fails so you can watch a new event arrive."""

from django.apps import apps
from django.http import HttpResponse
from django.urls import reverse


def home(request):
    wagtail = apps.is_installed("minisentry.contrib.wagtail")
    errors = reverse("minisentry_wagtail:issue_list" if wagtail else "minisentry:issue_list")
    return HttpResponse(
        f'<p>minisentry demo. <a href="{errors}">Browse the errors</a> · '
        f'<a href="/boom/">raise a new one</a></p>'
    )


def boom(request):
    ratio = request.GET.get("n", "0")
    return HttpResponse(str(100 / int(ratio)))  # ZeroDivisionError, captured by DjangoIntegration
