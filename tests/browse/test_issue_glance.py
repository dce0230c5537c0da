"""The issue at a glance, in both frames: frequency bars, users affected, releases (linked to the list
filtered by them), the regression, and storm sampling ("stored N of M events")."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from minisentry.models import Issue, IssueHourlyCount
from minisentry.storage.index import hour

from ..uihelpers import exception_event, issue_of, message_event, store

pytestmark = pytest.mark.usefixtures("db")
NAMESPACES = ["minisentry", pytest.param("minisentry_wagtail", marks=pytest.mark.skipif(
    not settings.WAGTAIL, reason="Wagtail is an optional extra"))]
SORT = {"minisentry": {"sort": "users"}, "minisentry_wagtail": {"ordering": "-user_count"}}
SPARK_HEADER = re.compile(r'<span class="ms-spark-range">(.*?)</span>\s*</th>', re.S)


def page(client, namespace: str, name: str, *args, **params) -> str:
    response = client.get(reverse(f"{namespace}:{name}", args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def bar_labels(html: str) -> list[str]:
    """The labels of the issue page's bars, in order (hourly chart first, then daily)."""
    return [unescape(label) for label in re.findall(r"<title>([^<]*)</title></g>", html)]


def titles_in_order(html: str, candidates: list[str]) -> list[str]:
    return sorted((t for t in candidates if t in html), key=html.index)


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_frequency_bars_put_events_in_their_hour_and_day(admin_client, namespace):
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    events = [exception_event(timestamp=two_hours_ago.isoformat()) for _ in range(3)]
    store(*events)
    issue = issue_of(events[0])
    IssueHourlyCount.objects.create(issue=issue, hour=hour(two_hours_ago) - timedelta(days=5), count=1200)
    html = page(admin_client, namespace, "issue_detail", issue.pk)
    labels = bar_labels(html)
    assert len(labels) == 24 + 30
    hourly, daily = labels[:24], labels[24:]
    assert hourly[21] == f"{hour(two_hours_ago):%H:%M} — 3 events"
    assert [label for label in hourly if not label.endswith(" — 0 events")] == [hourly[21]]
    five_days_ago = (hour(two_hours_ago) - timedelta(days=5)).date()
    assert f"{five_days_ago:%b} {five_days_ago.day} — 1,200 events" in daily
    assert daily[-1].endswith(("— 3 events", "— 0 events"))  # today (the 3 may fall on yesterday)
    assert html.count('class="ms-chart-bar"') == 1 + 2  # a bar where there are events only
    assert 'role="img" aria-label="Events per hour, last 24 hours: 3 events in all; the most at ' in html
    assert '<table class="ms-visually-hidden"><caption>Events per day, last 30 days</caption>' in html


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_sparkline_range_switches_between_hours_and_days_and_is_kept(admin_client, namespace):
    events = [exception_event(timestamp=(datetime.now(UTC) - timedelta(days=3)).isoformat()), exception_event()]
    store(*events)
    hourly = page(admin_client, namespace, "issue_list")
    assert 'aria-label="events per hour, last 24 hours"' in hourly
    assert hourly.count("<title>1</title>") == 1  # the event of 3 days ago is not in the last 24 hours
    assert "spark=14d" in SPARK_HEADER.search(hourly)[1]
    daily = page(admin_client, namespace, "issue_list", spark="14d", status="all")
    assert 'aria-label="events per day, last 14 days"' in daily
    assert daily.count("<title>1</title>") == 2  # both days have a bar
    header = unescape(SPARK_HEADER.search(daily)[1])
    assert "spark=24h" in header and "status=all" in header  # the switch keeps the other parameters
    assert page(admin_client, namespace, "issue_list", spark="bogus").count("events per hour, last 24 hours") == 1
    if namespace == "minisentry":
        assert 'name="spark" value="14d"' in daily  # the filter form keeps it
        assert "spark=14d" in unescape(re.search(r'href="([^"]*sort=users[^"]*)"', daily)[1])
    else:
        assert "spark=14d" in unescape(re.search(r'href="([^"]*ordering=[^"]*)"', daily)[1])


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_users_affected_in_header_and_list_sorted_by_users(admin_client, namespace):
    events = [message_event(name) for name in ("TEA", "MUG", "POT")]
    store(*events)
    for event, users in zip(events, (5, 1234, 1), strict=True):
        Issue.objects.filter(pk=issue_of(event).pk).update(user_count=users)
    listing = page(admin_client, namespace, "issue_list", **SORT[namespace])
    titles = [f"stock of {name} is low" for name in ("TEA", "MUG", "POT")]
    assert titles_in_order(listing, titles) == [titles[1], titles[0], titles[2]]
    assert re.search(r'class="ms-num">1,234<', listing)
    detail = page(admin_client, namespace, "issue_detail", issue_of(events[1]).pk)
    assert re.search(r'<dt>Users</dt><dd class="ms-users">1,234</dd>', detail)


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_releases_link_to_the_list_filtered_by_them(admin_client, namespace):
    old, new, other = (exception_event(release="shop@1.0"), exception_event(release="shop@2.0"),
                       message_event("TEA", release="shop@3.0"))
    store(old, new, other)
    issue = issue_of(old)
    detail = page(admin_client, namespace, "issue_detail", issue.pk)
    first = unescape(re.search(r'class="ms-first-release"><a href="([^"]+)"[^>]*>shop@1.0</a>', detail)[1])
    last = unescape(re.search(r'class="ms-last-release"><a href="([^"]+)"[^>]*>shop@2.0</a>', detail)[1])
    for link in (first, last):
        listing = admin_client.get(link).content.decode()
        assert issue.title in listing and "stock of TEA is low" not in listing
    listing = admin_client.get(first.replace("1.0", "3.0")).content.decode()
    assert issue.title not in listing and "stock of TEA is low" in listing


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_regression_says_when_and_in_which_release(admin_client, namespace):
    event = exception_event()
    store(event)
    issue = issue_of(event)
    html = page(admin_client, namespace, "issue_detail", issue.pk)
    assert "Regressed" not in html
    Issue.objects.filter(pk=issue.pk).update(
        is_regression=True, regressed_at=datetime.now(UTC) - timedelta(hours=3), regressed_release="shop@2.1")
    html = page(admin_client, namespace, "issue_detail", issue.pk)
    line = re.search(r'<p class="ms-regressed">(.*?)</p>', html, re.S)[1]
    assert re.search(r"Regressed <time [^>]*>3\xa0hours ago</time> in release <a href=\"[^\"]+\">shop@2.1</a>", line)


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_storm_sampling_says_how_many_events_are_stored(admin_client, namespace):
    sampled, whole = exception_event(), message_event("TEA")
    store(sampled, whole)
    Issue.objects.filter(pk=issue_of(sampled).pk).update(event_count=2000, sampled_out=1990)
    for html in (page(admin_client, namespace, "issue_list"),
                 page(admin_client, namespace, "issue_detail", issue_of(sampled).pk)):
        assert html.count("stored 10 of 2,000 events") == 1
    assert 'class="ms-stored"' not in page(admin_client, namespace, "issue_detail", issue_of(whole).pk)
