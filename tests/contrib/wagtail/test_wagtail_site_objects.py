"""The site's own objects with Wagtail: an event's user links to Wagtail's user edit page, which lists
the errors the user hit; an issue whose request URL a Wagtail page serves links to the page's editor
and says when it was published before the issue began (in both frames)."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from wagtail import urls as wagtail_urls
from wagtail.models import Page, PageLogEntry, Site

from minisentry.browse import site_pages, site_users

from ... import urls as test_urls
from ...uihelpers import XSS, exception_event, issue_of, make_user, message_event, store

pytestmark = pytest.mark.usefixtures("db")


def editor(name: str, *issue_perms: str, user_perms=()) -> Client:
    """A client of a Wagtail editor (not Django staff) with ``issue_perms`` and ``user_perms``."""
    user = make_user(name, *issue_perms, staff=False)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", *user_perms]))
    client = Client()
    client.force_login(user)
    return client


def person(username: str = "ada") -> User:
    return User.objects.create_user(username, email=f"{username}@example.com")  # no password: hashing is slow


def edit_url(user: User) -> str:
    return reverse("wagtailusers_users:edit", args=[user.pk])


# Users ----------------------------------------------------------------------------------------

def test_an_events_user_links_to_wagtails_user_edit_page_for_editors_who_may_change_users():
    ada = person()
    data = exception_event(user={"id": str(ada.pk), "email": ada.email})
    store(data)
    event_url = reverse("minisentry_wagtail:event_detail", args=[data["event_id"]])
    issue_url = reverse("minisentry_wagtail:issue_detail", args=[issue_of(data).pk])
    changer = editor("changer", "view_issue", user_perms=["change_user"])
    for target in (event_url, issue_url):
        assert f'<a href="{edit_url(ada)}">ada</a>' in changer.get(target).content.decode()
    for client in (editor("viewer", "view_issue"), editor("looker", "view_issue", user_perms=["view_user"])):
        assert "ms-site-user" not in client.get(event_url).content.decode()  # Wagtail's edit page needs change
    with override_settings(MINISENTRY_LINK_USERS=False):
        assert edit_url(ada) not in changer.get(event_url).content.decode()


def test_wagtails_user_edit_page_lists_the_errors_the_user_hit_in_bounded_queries():
    ada, bob = person(), person("bob")
    start = datetime.now(UTC) - timedelta(hours=1)
    store(message_event(XSS, user={"id": str(ada.pk)}, timestamp=start.isoformat()),
          message_event("theirs", user={"email": bob.email}))
    client = editor("admin", "view_issue", user_perms=["change_user"])
    client.get(edit_url(ada))  # the first request also fills caches
    with CaptureQueriesContext(connection) as few:
        page = client.get(edit_url(ada)).content.decode()
    section = page[page.index("Errors this user hit"):]
    assert "&lt;script&gt;" in section and XSS not in section and "theirs" not in section
    store(*[message_event("item " + "q" * (i + 1), user={"email": ada.email},
                          timestamp=(start + timedelta(minutes=i + 1)).isoformat())
            for i in range(site_users.MAX_ISSUES)])
    with CaptureQueriesContext(connection) as many:
        page = client.get(edit_url(ada)).content.decode()
    assert len(many) == len(few)
    section = page[page.index("Errors this user hit"):]
    detail = reverse("minisentry_wagtail:issue_detail", args=[0])[:-2]
    assert section.count(f'<a href="{detail}') == site_users.MAX_ISSUES and "&lt;script&gt;" not in section
    assert f'href="{reverse("minisentry_wagtail:issue_list")}?status=all&amp;q=user' in section
    assert "Errors this user hit" not in editor("plain", user_perms=["change_user"]).get(edit_url(ada)).content.decode()


# Pages ----------------------------------------------------------------------------------------

# the tests' URLs, then Wagtail's pages for every path the others leave (a class: Django caches
# resolvers by URLconf)
SITE_URLS = type("URLconf", (), {"urlpatterns": [*test_urls.urlpatterns, path("", include(wagtail_urls))]})


@pytest.fixture
def shop_site(settings):
    """A Wagtail site for https://shop.example/ serving every path the site's other URLs leave, with
    a page at /pricing/ (titled with markup), published an hour ago and again ten minutes ago."""
    settings.ROOT_URLCONF = SITE_URLS
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=Page(title="Shop", slug="shop-home"))
    Site.objects.create(hostname="shop.example", port=443, root_page=home)
    pricing = home.add_child(instance=Page(title=f"Pricing {XSS}", slug="pricing"))
    now = datetime.now(UTC).replace(microsecond=0)
    for ago in (60, 10):
        pricing.save_revision().publish()
        PageLogEntry.objects.filter(page_id=pricing.pk, action="wagtail.publish").order_by("-id").update(
            timestamp=now - timedelta(minutes=ago))
    Page.objects.filter(pk=pricing.pk).update(last_published_at=now - timedelta(minutes=10),
                                              first_published_at=now - timedelta(minutes=60))
    return pricing


def issue_at(url: str, minutes_ago: int = 48) -> dict:
    began = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes_ago)
    data = exception_event(request={"method": "GET", "url": url}, timestamp=began.isoformat())
    store(data)
    return data


def issue_pages(client: Client, data: dict) -> list[str]:
    """The issue's page in both frames."""
    pk = issue_of(data).pk
    return [client.get(reverse(name, args=[pk])).content.decode()
            for name in ("minisentry:issue_detail", "minisentry_wagtail:issue_detail")]


@pytest.mark.parametrize("url", ["https://shop.example/pricing/", "https://shop.example/pricing/?x=1",
                                 "https://SHOP.example:443/pricing/"])
def test_an_issue_on_a_wagtail_page_links_to_its_editor_and_says_when_it_was_published(admin_client, shop_site, url):
    data = issue_at(url)
    for page in issue_pages(admin_client, data):
        editor = reverse("wagtailadmin_pages:edit", args=[shop_site.pk])
        editor_link = f'<a href="{editor}" title="Edit this page in Wagtail">'
        assert editor_link in page and "Pricing &lt;script&gt;" in page and XSS not in page
        assert "published 12\xa0minutes before this issue began" in page


def test_an_editor_who_may_not_edit_the_page_sees_it_without_a_link(shop_site):
    data = issue_at("https://shop.example/pricing/")
    for page in issue_pages(editor("viewer", "view_issue"), data)[1:]:
        assert "Pricing &lt;script&gt;" in page and reverse("wagtailadmin_pages:edit", args=[shop_site.pk]) not in page


def test_a_page_first_published_after_the_issue_began_says_so(admin_client, shop_site):
    data = issue_at("https://shop.example/pricing/", minutes_ago=90)
    assert all("not published before this issue began" in page for page in issue_pages(admin_client, data))


@pytest.mark.parametrize("url", ["https://other.example/pricing/", "https://shop.example/nothing-here/",
                                 "https://shop.example/fail/7/", "https://shop.example/pricing/yearly/",
                                 "https://shop.example/pricing" + "/x" * 40,
                                 "not a url", "http://[::1", "https://shop\x00.example/pricing/",
                                 "https://shop.example/" + "x/" * 2000])
def test_urls_no_wagtail_page_serves_show_no_page(admin_client, shop_site, url):
    data = issue_at(url)
    assert all("ms-site-page" not in page for page in issue_pages(admin_client, data))


def test_turned_off_or_without_wagtails_urls_no_page_is_shown(admin_client, shop_site, settings):
    data = issue_at("https://shop.example/pricing/")
    with override_settings(MINISENTRY_LINK_PAGES=False):
        assert all("ms-site-page" not in page for page in issue_pages(admin_client, data))
    settings.ROOT_URLCONF = "tests.urls"  # Wagtail serves no page on this site
    assert all("ms-site-page" not in page for page in issue_pages(admin_client, data))


def test_path_prefixes_walk_from_the_sites_root():
    assert site_pages.path_prefixes("/home/", "/blog/post/") == ["/home/", "/home/blog/", "/home/blog/post/"]
    assert site_pages.path_prefixes("/home/", "") == ["/home/"]
    assert site_pages.path_prefixes("/home/", "/a%20b/") == ["/home/", "/home/a b/"]
    assert site_pages.path_prefixes("/home/", "/x" * (site_pages.MAX_DEPTH + 1)) == []
