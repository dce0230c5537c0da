"""Pages of a merged issue lead to the issue it joined (``MergedIssue``), in either frame."""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect

from ..models import MergedIssue


def follow_merged(frame, name: str):
    """Wrap a view (or a class view's method) taking the issue id ``pk``: where the issue is
    unknown (404) but was merged, redirect (302) to the same page of the issue it joined, with
    the same query string."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except Http404:
                target = MergedIssue.objects.filter(pk=kwargs["pk"]).values_list("issue_id", flat=True).first()
                if target is None:
                    raise
            request = args[-1]
            query = request.META.get("QUERY_STRING", "")
            return redirect(frame.url(name, target) + (f"?{query}" if query else ""))

        return wrapper

    return decorator
