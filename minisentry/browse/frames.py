"""The admin frames the browse pages render in: the Django admin's, and Wagtail's admin's.

The page bodies (``templates/minisentry/issue/``, ``event/``) are shared; a frame tells them
where its URLs live and how its buttons and tables look.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

PLACEHOLDER = 987_654_321_987  # an id no URL otherwise contains


@dataclass(frozen=True)
class Frame:
    namespace: str  # of the frame's URL names: issue_list, issue_detail, event_detail…
    search_param: str  # the issue list's search query parameter
    button: str  # CSS classes of a plain, a primary and a dangerous button
    primary_button: str
    danger_button: str
    table: str = ""  # extra CSS classes of a listing table

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.namespace}:{name}", args=args)

    def url_maker(self, name: str) -> Callable[[int], str]:
        """``pk -> URL`` of a page taking one integer, reversing once: a list reversing per row
        spent milliseconds on it."""
        template = self.url(name, PLACEHOLDER)
        return lambda pk: template.replace(str(PLACEHOLDER), str(int(pk)))


DJANGO_ADMIN = Frame(
    namespace="minisentry", search_param="query",
    button="button", primary_button="button default", danger_button="button ms-danger",
)
