"""An issue's events list, in both frames: its columns, filters by user, release, environment, server
and tag (column-backed, or read from the newest events' JSON, saying so), the tag panel's links into
it, and its pages keeping the filters."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from minisentry.browse import event_list, queries
from minisentry.models import Event, Issue

from ..uihelpers import XSS, exception_event, issue_of, message_event, spread, store

pytestmark = pytest.mark.usefixtures("db")
NAMESPACES = ["minisentry", pytest.param("minisentry_wagtail", marks=pytest.mark.skipif(
    not settings.WAGTAIL, reason="Wagtail is an optional extra"))]


def listing(client, namespace: str, pk: int, **params):
    response = client.get(reverse(f"{namespace}:issue_events", args=[pk]), params)
    assert response.status_code == 200
    return response


def shown(response) -> list[str]:
    return [event.event_id for event in response.context["page"].object_list]


@pytest.fixture
def events():
    """Six events of one issue (oldest first), two of each release, users and servers varied."""
    data = spread(exception_event, 6)
    for i, event in enumerate(data):
        event.update(release=f"shop@{i % 3}.0", server_name=f"web-{i % 2}",
                     environment=("production", "staging")[i // 3], user={"id": str(40 + i % 2)},
                     tags={"plan": ("pro", "free")[i % 2], "cart": f"c{i}"})
    store(*data)
    for event in data:
        Event.objects.filter(event_id=event["event_id"]).update(user=f"id:{event['user']['id']}")
    return data


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_columns_show_message_user_release_environment_server(admin_client, namespace, events):
    response = listing(admin_client, namespace, issue_of(events[0]).pk)
    html = response.content.decode()
    assert shown(response) == [e["event_id"] for e in events[::-1]]
    for header in ("Message", "User", "Release", "Environment", "Server"):
        assert f"<th>{header}</th>" in html
    row = re.search(r'<tr class="ms-event-row">(.*?)</tr>', html, re.S)[1]  # the newest event
    assert "cart total is not a number" in row  # the event's own exception value
    for value in ("id:41", "shop@2.0", "staging", "web-1"):
        assert f">{value}</a>" in row


@pytest.mark.parametrize("namespace", NAMESPACES)
@pytest.mark.parametrize(("params", "indexes"), [
    ({"user": "id:40"}, [4, 2, 0]),
    ({"release": "shop@1.0"}, [4, 1]),
    ({"environment": "staging", "server": "web-0"}, [4]),
    ({"tag": "server_name:web-1"}, [5, 3, 1]),
    ({"tag": "user:id:41", "release": "shop@0.0"}, [3]),
    ({"release": "shop@9.0"}, []),
])
def test_column_filters_narrow_the_rows(admin_client, namespace, events, params, indexes):
    response = listing(admin_client, namespace, issue_of(events[0]).pk, **params)
    assert shown(response) == [events[i]["event_id"] for i in indexes]
    assert not response.context["notices"]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_other_tags_are_searched_in_the_newest_events_json_saying_so(admin_client, namespace, events, monkeypatch):
    pk = issue_of(events[0]).pk
    response = listing(admin_client, namespace, pk, tag="plan:free")
    assert shown(response) == [events[i]["event_id"] for i in (5, 3, 1)]
    html = response.content.decode()
    assert "plan is not stored per event: searched the newest 100 events&#x27; JSON, 3 have plan:free." in html
    monkeypatch.setattr(event_list, "SCAN_LIMIT", 2)  # the bound: only the two newest are read
    assert shown(listing(admin_client, namespace, pk, tag='plan:"free"')) == [events[5]["event_id"]]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_tag_panel_links_into_the_filtered_events_list(admin_client, namespace, events):
    pk = issue_of(events[0]).pk
    detail = admin_client.get(reverse(f"{namespace}:issue_detail", args=[pk])).content.decode()
    links = {unescape(href) for href in re.findall(r'class="ms-tagbar" href="([^"]+)"', detail)}
    events_url = reverse(f"{namespace}:issue_events", args=[pk])
    assert f"{events_url}?tag=plan%3Apro" in links and f"{events_url}?tag=release%3Ashop%401.0" in links
    assert shown(admin_client.get(f"{events_url}?tag=release%3Ashop%401.0")) == [events[i]["event_id"] for i in (4, 1)]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_pages_keep_the_filters(admin_client, namespace, events, monkeypatch):
    monkeypatch.setattr(event_list, "EVENTS_PER_PAGE", 2)
    pk = issue_of(events[0]).pk
    first = listing(admin_client, namespace, pk, user="id:40")
    assert shown(first) == [events[4]["event_id"], events[2]["event_id"]]
    older = unescape(re.search(r'href="([^"]+)">older', first.content.decode())[1])
    assert "user=id%3A40" in older and "page=2" in older
    assert shown(admin_client.get(reverse(f"{namespace}:issue_events", args=[pk]) + older)) == [events[0]["event_id"]]
    assert "3 matching events" in first.content.decode()


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_filter_values_are_escaped_and_odd_input_is_no_error(admin_client, namespace, events):
    pk = issue_of(events[0]).pk
    response = listing(admin_client, namespace, pk, user=XSS, tag=XSS, release="x\x00y" * 100)
    html = response.content.decode()
    assert XSS not in html and "&lt;script&gt;" in html
    assert shown(response) == []
    assert shown(listing(admin_client, namespace, pk, tag=":", page="nonsense")) == shown(listing(
        admin_client, namespace, pk))


@pytest.mark.parametrize("namespace", NAMESPACES)
@pytest.mark.parametrize("sampled_out", [3994, 0])  # a storm sampled them out; a cleanup deleted them
def test_pages_are_the_stored_events_not_the_count(admin_client, namespace, events, monkeypatch, sampled_out):
    monkeypatch.setattr(event_list, "EVENTS_PER_PAGE", 4)
    issue = issue_of(events[0])
    Issue.objects.filter(pk=issue.pk).update(event_count=4000, sampled_out=sampled_out)
    first = listing(admin_client, namespace, issue.pk)
    html = " ".join(unescape(re.sub(r"<[^>]+>", " ", first.content.decode())).split())
    assert "page 1 of 2" in html and "page 1 of 1000" not in html
    assert "4,000 events stored 6 of 4,000 events" in html
    last = listing(admin_client, namespace, issue.pk, page=2)
    assert shown(last) == [events[1]["event_id"], events[0]["event_id"]]
    assert shown(listing(admin_client, namespace, issue.pk, page=3)) == shown(last)  # past the end: the last page
    monkeypatch.setattr(event_list, "MAX_FILTERED", 5)  # the bound of the count
    page = listing(admin_client, namespace, issue.pk).content.decode()
    html = " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "stored 5+ of 4,000 events" in html and "Showing the newest 5 stored events" in html


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_each_row_shows_its_own_message_and_whether_it_was_handled(admin_client, namespace):
    data = spread(exception_event, 3)
    for i, event in enumerate(data):
        raised = event["exception"]["values"][-1]
        raised["value"] = f"checkout of cart {1000 + i} failed\n  at step {i}"
        raised["mechanism"] = {"type": "django", "handled": i != 1}
    data[2]["exception"]["values"][0]["mechanism"].pop("handled")
    data[2]["exception"]["values"][-1]["mechanism"].pop("handled")
    data.append(message_event("x" * 500, timestamp=data[-1]["timestamp"]))
    store(*data[:3])
    response = listing(admin_client, namespace, issue_of(data[0]).pk)
    rows = re.findall(r'<tr class="ms-event-row">(.*?)</tr>', response.content.decode(), re.S)
    cells = [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]
    assert "checkout of cart 1002 failed at step 2" in cells[0] and "handled" not in cells[0]
    assert "checkout of cart 1001 failed at step 1" in cells[1] and "unhandled" in cells[1]
    assert "checkout of cart 1000 failed at step 0" in cells[2] and " handled" in cells[2]
    assert "unhandled" not in cells[2] and "cart total" not in " ".join(cells)
    long = Event.objects.get(event_id=store(data[3])[0].event_id)
    assert len(long.message) == Event._meta.get_field("message").max_length and long.message.endswith("…")
    assert long.handled is None


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_event_page_says_which_event_of_how_many(admin_client, namespace, events, monkeypatch):
    def position(event_id: str) -> str:
        html = admin_client.get(reverse(f"{namespace}:event_detail", args=[event_id])).content.decode()
        return " ".join(re.search(r'class="ms-event-position">(.*?)<', html, re.S)[1].split())

    assert position(events[0]["event_id"]) == "Event 1 of 6"
    assert position(events[4]["event_id"]) == "Event 5 of 6"
    Event.objects.filter(event_id=events[1]["event_id"]).delete()
    assert position(events[5]["event_id"]) == "Event 5 of 5"
    monkeypatch.setattr(queries, "POSITION_LIMIT", 2)  # counted up to the bound on either side
    assert position(events[4]["event_id"]) == "Event 3+ of 4+"
    assert position(events[2]["event_id"]) == "Event 2 of 4+"
