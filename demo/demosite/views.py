"""Two pages of the demo site: a home page, and one that fails so you can watch a new event arrive."""

from django.http import HttpResponse
from django.urls import reverse


def home(request):
    return HttpResponse(
        f'<p>minisentry demo. <a href="{reverse("minisentry:issue_list")}">Browse the errors</a> · '
        f'<a href="/boom/">raise a new one</a></p>'
    )


def boom(request):
    ratio = request.GET.get("n", "0")
    return HttpResponse(str(100 / int(ratio)))  # ZeroDivisionError, captured by DjangoIntegration
