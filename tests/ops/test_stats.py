"""minisentry_stats and the Storage page."""

import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db.models import Count, Sum
from django.urls import reverse

from minisentry.capture import spool
from minisentry.models import Counter, Event, Segment

from ..opshelpers import capture


def stats(*args: str) -> str:
    out = io.StringIO()
    call_command("minisentry_stats", *args, stdout=out)
    return out.getvalue()


def test_stats_command_text_and_json(backend):
    events = capture(6, "a", days_ago=2) + capture(4, "b")
    Counter.objects.create(name="dropped", value=3)
    spool.write([json.dumps(events[0]).encode()])

    data = json.loads(stats("--json"))
    rows = Event.objects.all()
    blob_bytes, raw_bytes = sum(e.blob_size for e in rows), sum(e.raw_size for e in rows)
    segments = Segment.objects.aggregate(n=Count("pk"), size=Sum("size"))
    assert segments["size"] == blob_bytes  # no event deleted yet: every segment byte is live
    assert data["backends"] == [{"alias": "default", "events": 10, "blob_bytes": blob_bytes, "raw_bytes": raw_bytes,
                                 "segments": segments["n"], "segment_bytes": segments["size"], "kind": backend.kind}]
    assert (data["segments"], data["segment_bytes"]) == (segments["n"], segments["size"])
    assert (data["issues"], data["events"], data["blob_bytes"], data["raw_bytes"]) == (2, 10, blob_bytes, raw_bytes)
    assert data["compression_ratio"] == round(raw_bytes / blob_bytes, 2)
    assert data["oldest_event"] == events[0]["timestamp"] and data["newest_event"] == events[-1]["timestamp"]
    assert (data["spooled_events"], data["dropped_events"]) == (1, 3) and data["spooled_bytes"] > 0

    text = stats()
    assert "Issues:         2\nEvents:         10\n" in text
    assert f"  {'default:':14}10 event(s)" in text
    assert "Spool:          1 event(s)" in text and "Dropped events: 3" in text


def test_stats_of_an_empty_store(db):
    data = json.loads(stats("--json"))
    assert data["events"] == 0 and data["compression_ratio"] is None and data["oldest_event"] is None
    assert "Oldest event:   -" in stats()


@pytest.fixture
def storage_url() -> str:
    return reverse("minisentry:storage")


def test_storage_page_for_staff(client, django_user_model, storage_url, db):
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_issue"))
    client.force_login(user)
    response = client.get(storage_url)
    assert response.status_code == 200
    assert response.templates[0].name == "minisentry/storage.html"
    assert "admin/base_site.html" in [t.name for t in response.templates]
    assert b"Compression ratio" in response.content and b"Dropped events" in response.content


def test_storage_page_refuses_anonymous_and_non_staff(client, django_user_model, storage_url, db):
    response = client.get(storage_url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    client.force_login(django_user_model.objects.create_user("someone", password="pw"))
    assert client.get(storage_url).status_code == 403
    client.force_login(django_user_model.objects.create_user("staff", password="pw", is_staff=True))
    assert client.get(storage_url).status_code == 403  # staff without minisentry.view_issue


def test_storage_page_shows_failed_alerts_beside_dropped_events(admin_client):
    Counter.objects.create(name="dropped", value=3)
    Counter.objects.create(name="alerts_failed", value=7)
    page = admin_client.get(reverse("minisentry:storage")).content.decode()
    assert ">Dropped events</th><td>3</td>" in page and ">Alerts not sent</th><td>7</td>" in page
