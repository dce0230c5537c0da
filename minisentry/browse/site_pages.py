"""With Wagtail: the page that served an event's request URL, its editor, and when it was last
published before the issue began ("published 12 minutes before this issue began").

A URL is Wagtail's when this site's URLconf sends its path to Wagtail's ``serve`` view. The site is
Wagtail's own choice for the URL's host and port (``get_site_for_hostname``, as
``Site.find_for_request`` does); the page is the one whose ``url_path`` is the URL's path under the
site's root, else the deepest page on the way with a ``route`` of its own (a ``RoutablePageMixin``
page serves its sub-paths), as ``Page.route`` walks the tree: one query, and no project code run on
a URL taken from an event.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from .. import conf

MAX_URL = 2048  # longer request URLs are not looked up
MAX_DEPTH = 32  # path segments looked at


@dataclass(frozen=True)
class SitePage:
    title: str
    url_path: str  # below the site's root, as the request asked for it
    editor_url: str  # "" for a viewer who may not edit the page
    published: datetime | None  # the last publish before the first event


def enabled() -> bool:
    return bool(conf.get("LINK_PAGES")) and apps.is_installed("wagtail")


def path_prefixes(root_path: str, path: str) -> list[str]:
    """The ``url_path`` of the root and of each page on the way to ``path`` (``/blog/post/``); none
    for a path deeper than ``MAX_DEPTH``."""
    segments = [s for s in unquote(path).split("/") if s]
    if len(segments) > MAX_DEPTH:
        return []
    return [root_path + "".join(f"{s}/" for s in segments[:n]) for n in range(len(segments) + 1)]


def served_page(event: dict, first_seen: datetime, viewer) -> SitePage | None:
    """The Wagtail page serving ``event``'s ``request.url``, or None (no Wagtail, no URL, no page)."""
    if not enabled():
        return None
    request = event.get("request")
    url = request.get("url") if isinstance(request, dict) else None
    if not isinstance(url, str) or not url or len(url) > MAX_URL or "\x00" in url:  # no NUL reaches a query
        return None
    from wagtail.models import Page, PageLogEntry, Site  # only with Wagtail installed
    from wagtail.models.sites import get_site_for_hostname

    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    if not wagtail_serves(unquote(parts.path) or "/"):
        return None
    try:
        site = get_site_for_hostname(parts.hostname or "", port)
    except Site.DoesNotExist:
        return None
    page = page_at(Page, site.root_page.url_path, parts.path)
    if page is None:
        return None
    logged = (PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish", timestamp__lte=first_seen)
              .order_by("-timestamp").values_list("timestamp", flat=True).first())
    # a page published without a log entry (by code) still has its first and last publish times
    times = [t for t in (logged, page.last_published_at, page.first_published_at) if t and t <= first_seen]
    published = max(times, default=None)
    return SitePage(page.title, "/" + page.url_path[len(site.root_page.url_path):], editor_url(page, viewer), published)


def wagtail_serves(path: str) -> bool:
    try:
        return resolve(path).url_name == "wagtail_serve"
    except Resolver404:
        return False


def page_at(page_model, root_path: str, path: str):
    """The page at ``path`` below the page at ``root_path``, else the deepest one on the way that
    routes sub-paths itself; None when neither is."""
    prefixes = path_prefixes(root_path, path)
    for page in page_model.objects.filter(url_path__in=prefixes).order_by("-depth"):
        own = page.specific_class
        if page.url_path == prefixes[-1] or own is not None and own.route is not page_model.route:
            return page
    return None


def editor_url(page, viewer) -> str:
    """The page's editor in Wagtail's admin, for a viewer who may edit it; else ""."""
    if not (viewer.has_perm("wagtailadmin.access_admin") and page.permissions_for_user(viewer).can_edit()):
        return ""
    try:
        return reverse("wagtailadmin_pages:edit", args=[page.pk])
    except NoReverseMatch:
        return ""
