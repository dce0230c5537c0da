"""Assignees, activity and notes in Wagtail's frame: permissions, the issue page, the list's filter,
column and bulk action."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from minisentry.models import Activity, Issue
from minisentry.triage import notes

from ...uihelpers import XSS, exception_event, issue_of, message_event, store
from .test_wagtail import CHANGE, DELETE, VIEW, client_of, editor, url

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def issue():
    data = exception_event()
    store(data)
    return issue_of(data)


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("no_admin_access", 302), ("no_permission", 403), ("view", 403), ("delete", 403),
    ("change", 302),
])
def test_permission_matrix(issue, who, expected):
    changer = editor("changer", VIEW, CHANGE)
    users = {
        "no_admin_access": lambda: editor("outsider", VIEW, CHANGE, DELETE, admin_access=False),
        "no_permission": lambda: editor("stranger"), "view": lambda: editor("viewer", VIEW),
        "delete": lambda: editor("deleter", VIEW, DELETE), "change": lambda: editor("other", VIEW, CHANGE),
    }
    client = client_of(users[who]()) if who in users else Client()
    note = notes.add(issue, changer, "a note")
    for name, args, data in [("issue_assign", [issue.pk], {"assignee": changer.pk}),
                             ("note_add", [issue.pk], {"text": "looked at it"}),
                             ("note_change", [issue.pk, note.pk], {"text": "edited"})]:
        response = client.post(url(name, *args), data)
        assert response.status_code == expected, name
        if expected == 302:
            login = response["Location"].startswith(reverse("wagtailadmin_login"))
            assert login is (who != "change"), name
    issue.refresh_from_db()
    assert (issue.assignee_id == changer.pk) is (who == "change")
    assert Activity.objects.filter(kind="note", text="looked at it").exists() is (who == "change")
    Issue.objects.filter(pk=issue.pk).update(assignee=changer)
    bulk = client.post(reverse("wagtail_bulk_action", args=["minisentry", "issue", "assign"]) + f"?id={issue.pk}",
                       {"assignee": ""})
    assert bulk.status_code in (302, 403)  # Wagtail's bulk actions send the refused to the dashboard
    assert (Issue.objects.get(pk=issue.pk).assignee_id is None) is (who == "change")


def test_assign_add_edit_and_delete_notes_on_the_issue_page(issue):
    changer = editor("changer", VIEW, CHANGE)
    client = client_of(changer)
    page = client.get(url("issue_detail", issue.pk)).content.decode()
    assert f'<option value="{changer.pk}">changer</option>' in page and "Add note" in page
    response = client.post(url("issue_assign", issue.pk), {"assignee": changer.pk}, follow=True)
    assert response.redirect_chain == [(url("issue_detail", issue.pk) + "#activity", 302)]
    page = response.content.decode()
    assert "Assigned to changer." in page and "changer assigned the issue to changer" in page
    client.post(url("note_add", issue.pk), {"text": f"why\n{XSS}"})
    note = Activity.objects.get(kind="note")
    page = client.get(url("issue_detail", issue.pk)).content.decode()
    assert "why<br>&lt;script&gt;alert(1)&lt;/script&gt;" in page and XSS not in page
    viewer = client_of(editor("viewer", VIEW))
    assert viewer.post(url("note_change", issue.pk, note.pk), {"delete": "1"}).status_code == 403
    seen = viewer.get(url("issue_detail", issue.pk)).content.decode()
    assert "<strong>Assignee:</strong> changer" in seen and 'name="text"' not in seen
    client.post(url("note_change", issue.pk, note.pk), {"text": "why, edited"})
    assert Activity.objects.get(kind="note").text == "why, edited"
    client.post(url("note_change", issue.pk, note.pk), {"delete": "1"})
    assert not Activity.objects.filter(kind="note").exists()


def test_list_filter_column_and_bulk_assign():
    store(message_event("TEA"), message_event("MUG"))
    tea, mug = (Issue.objects.get(title__contains=word) for word in ("TEA", "MUG"))
    changer = editor("changer", VIEW, CHANGE)
    client = client_of(changer)
    action = reverse("wagtail_bulk_action", args=["minisentry", "issue", "assign"])
    listing = client.get(url("issue_list")).content.decode()
    assert action in listing
    query = "?" + urlencode([("id", tea.pk), ("next", url("issue_list"))])
    confirm = client.get(action + query).content.decode()
    assert "Assign these issues?" in confirm and f'<option value="{changer.pk}">changer</option>' in confirm
    assert client.post(action + query, {"assignee": changer.pk}).status_code == 302
    assert Issue.objects.get(pk=tea.pk).assignee == changer
    assert Activity.objects.get(kind="assigned").issue_id == tea.pk

    def titles(assigned):
        html = client.get(url("issue_list"), {"assigned": assigned}).content.decode()
        return {word for word in ("TEA", "MUG") if f"stock of {word} is low" in html}, html

    assert titles("me")[0] == {"TEA"} and titles("none")[0] == {"MUG"} and titles("anyone")[0] == {"TEA"}
    assert '<td class="ms-assignee" data-label="Assignee">changer</td>' in titles("")[1]
    assert mug.assignee_id is None
