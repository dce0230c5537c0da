"""Assignees, activity and notes in the Django-admin UI: who may do what, what the pages show."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from minisentry.models import Activity, Issue
from minisentry.signals import issue_assigned, note_added
from minisentry.triage import notes
from minisentry.triage.history import PAGE

from ..uihelpers import XSS, exception_event, issue_of, make_user, message_event, store

pytestmark = pytest.mark.usefixtures("db")


def url(name, *args):
    return reverse(f"minisentry:{name}", args=args)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def issue(event):
    return issue_of(event)


@pytest.fixture
def changer():
    return make_user("changer", "view_issue", "change_issue")


def actions(issue, note, assignee):
    """Each new URL with a POST that succeeds for a user with the change permission."""
    return {
        "issue_assign": (url("issue_assign", issue.pk), {"assignee": assignee.pk}),
        "issues_assign": (url("issues_assign"), {"issue": issue.pk, "assignee": assignee.pk}),
        "note_add": (url("note_add", issue.pk), {"text": "looked at it"}),
        "note_change": (url("note_change", issue.pk, note.pk), {"text": "edited"}),
    }


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("non_staff", 403), ("view", 403), ("delete", 403), ("change", 302),
])
def test_permission_matrix(issue, changer, who, expected):
    users = {
        "non_staff": lambda: make_user("outsider", "view_issue", "change_issue", "delete_issue", staff=False),
        "view": lambda: make_user("viewer", "view_issue"),
        "delete": lambda: make_user("deleter", "view_issue", "delete_issue"),
        "change": lambda: make_user("other_changer", "view_issue", "change_issue"),
    }
    client = login(users[who]()) if who in users else Client()
    for name, (target, data) in actions(issue, notes.add(issue, changer, "a note"), changer).items():
        response = client.post(target, data)
        assert response.status_code == expected, name
        if who == "anonymous":
            assert response["Location"].startswith(reverse("admin:login")), name
        if who == "change":
            assert not response["Location"].startswith(reverse("admin:login")), name
        assert client.get(target).status_code in (302, 403, 405), name  # never a page
    issue.refresh_from_db()
    assert (issue.assignee_id == changer.pk) is (who == "change")
    assert Activity.objects.filter(kind="note", text="looked at it").exists() is (who == "change")


def test_assignable_users_are_those_who_may_view(issue, changer, admin_user):
    viewers = Group.objects.create(name="viewers")
    viewers.permissions.set(Permission.objects.filter(codename="view_issue"))
    by_group = make_user("by_group")
    by_group.groups.add(viewers)
    make_user("gone", "view_issue", active=False)
    make_user("no_perm")
    page = login(changer).get(url("issue_detail", issue.pk)).content.decode()
    menu = page.split('id="ms-assignee"')[1].split("</select>")[0]
    for name in ("changer", "by_group", "admin"):
        assert f">{name}</option>" in menu
    assert ">gone<" not in menu and ">no_perm<" not in menu
    nobody = login(changer).post(url("issue_assign", issue.pk), {"assignee": make_user("nope").pk})
    assert nobody.status_code == 404
    issue.refresh_from_db()
    assert issue.assignee is None


def test_assign_and_unassign_from_the_issue_page(issue, changer, django_capture_on_commit_callbacks):
    client, sent = login(changer), []
    issue_assigned.connect(receiver := lambda sender, **kw: sent.append(kw))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("issue_assign", issue.pk), {"assignee": changer.pk, "next": "/evil"})
        assert response["Location"] == "/evil#activity"  # ours: same host
        assert client.post(url("issue_assign", issue.pk), {"assignee": changer.pk, "next": "https://x.example/"}
                           )["Location"] == url("issue_detail", issue.pk) + "#activity"
        page = client.get(url("issue_detail", issue.pk)).content.decode()
        assert f'<option value="{changer.pk}" selected>changer</option>' in page
        assert "changer assigned the issue to changer" in page
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("issue_assign", issue.pk), {"assignee": ""})
        assert "changer unassigned the issue" in client.get(url("issue_detail", issue.pk)).content.decode()
    finally:
        issue_assigned.disconnect(receiver)
    assert [(kw["issue_id"], kw["user"], kw["assignee"]) for kw in sent] == [
        (issue.pk, changer, changer), (issue.pk, changer, None)]  # the second, same assignee, changed nothing
    assert list(Activity.objects.filter(kind="assigned").values_list("data__assignee", flat=True)) == [None, changer.pk]


def test_viewers_see_the_assignee_and_notes_but_no_forms(issue, changer):
    Issue.objects.filter(pk=issue.pk).update(assignee=changer)
    notes.add(issue, changer, "first look")
    page = login(make_user("viewer", "view_issue")).get(url("issue_detail", issue.pk)).content.decode()
    assert "<strong>Assignee:</strong> changer" in page and "first look" in page
    assert 'name="assignee"' not in page and 'name="text"' not in page


def test_list_filters_and_bulk_assigns(changer):
    mine, theirs, nobodys = (issue_of(e) for e in (message_event("a"), message_event("b"), message_event("c"))
                             if store(e))
    client = login(changer)
    response = client.post(url("issues_assign"),
                           {"issue": [mine.pk], "assignee": changer.pk, "next": url("issue_list")})
    assert response["Location"] == url("issue_list")
    other = make_user("other", "view_issue")
    client.post(url("issues_assign"), {"issue": [theirs.pk], "assignee": other.pk})

    def listed(assigned):
        page = client.get(url("issue_list"), {"assigned": assigned}).content.decode()
        return {i.pk for i in (mine, theirs, nobodys) if url("issue_detail", i.pk) in page}, page

    assert listed("me")[0] == {mine.pk}
    assert listed("none")[0] == {nobodys.pk}
    assert listed("anyone")[0] == {mine.pk, theirs.pk}
    everything, page = listed("")
    assert everything == {mine.pk, theirs.pk, nobodys.pk}
    assert '<td class="ms-assignee" data-label="Assignee">other</td>' in page
    assert 'formaction="' + url("issues_assign") + '"' in page
    assert client.post(url("issues_assign"), {"issue": ["1x"], "assignee": ""}).status_code == 400


def test_notes_are_escaped_keep_lines_and_signal(issue, changer, django_capture_on_commit_callbacks):
    client, sent = login(changer), []
    note_added.connect(receiver := lambda sender, **kw: sent.append(kw))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("note_add", issue.pk), {"text": f"line one\r\n{XSS}"})
    finally:
        note_added.disconnect(receiver)
    note = Activity.objects.get(kind="note")
    assert sent == [{"signal": note_added, "issue_id": issue.pk, "user": changer, "activity_id": note.pk}]
    page = client.get(url("issue_detail", issue.pk)).content.decode()
    assert "line one<br>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page
    assert XSS not in page


def test_empty_or_too_long_notes_are_refused(issue, changer):
    client = login(changer)
    client.post(url("note_add", issue.pk), {"text": "  \n "})
    client.post(url("note_add", issue.pk), {"text": "x" * (notes.MAX_LENGTH + 1)})
    assert not Activity.objects.filter(kind="note").exists()
    assert "A note needs some text." in client.get(url("issue_detail", issue.pk)).content.decode()


def test_notes_are_edited_or_deleted_by_their_author_or_a_changer(issue, changer):
    author = make_user("author", "view_issue")  # may no longer add notes, still edits its own
    mine, theirs = notes.add(issue, author, "mine"), notes.add(issue, changer, "theirs")
    client = login(author)
    assert client.post(url("note_change", issue.pk, mine.pk), {"text": "mine, edited"}).status_code == 302
    assert client.post(url("note_change", issue.pk, theirs.pk), {"text": "hijacked"}).status_code == 403
    assert client.post(url("note_change", issue.pk, theirs.pk), {"delete": "1"}).status_code == 403
    page = client.get(url("issue_detail", issue.pk)).content.decode()
    assert "mine, edited" in page and 'class="ms-note-edited"' in page
    assert page.count('class="ms-note-edit"') == 1  # only its own note offers editing
    assert login(changer).post(url("note_change", issue.pk, mine.pk), {"delete": "1"}).status_code == 302
    assert list(Activity.objects.filter(kind="note").values_list("text", flat=True)) == ["theirs"]
    assert login(changer).post(url("note_change", issue.pk + 1, theirs.pk), {"delete": "1"}).status_code == 404


def test_history_is_newest_first_paged_and_ends_with_first_seen(issue, changer):
    for i in range(PAGE + 5):
        notes.add(issue, changer, f"note {i}")
    client = login(changer)
    page = client.get(url("issue_detail", issue.pk)).content.decode()
    assert page.index(f"note {PAGE + 4}<") < page.index(f"note {PAGE + 3}<")
    assert "note 4<" not in page and "First seen" not in page.split('id="activity"')[1]
    older = page.split('class="ms-activity-older"><a href="')[1].split('"')[0]
    rest = client.get(url("issue_detail", issue.pk) + older.replace("&amp;", "&")).content.decode()
    assert all(f"note {i}<" in rest for i in range(5)) and f"note {PAGE + 4}<" not in rest
    assert "First seen" in rest.split('id="activity"')[1]


def test_a_regression_is_in_the_activity_with_its_event_and_release(issue, changer):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.RESOLVED)
    event = exception_event(release="shop@2.1")
    store(event, exception_event(release="shop@2.2", timestamp="2099-01-01T00:00:00Z"))
    [row] = Activity.objects.filter(kind="regressed")
    assert row.issue_id == issue.pk and row.data == {"event_id": event["event_id"], "release": "shop@2.1"}
    page = login(changer).get(url("issue_detail", issue.pk)).content.decode()
    assert (f'Regressed: <a href="{url("event_detail", event["event_id"])}">{event["event_id"][:8]}</a> '
            "(release shop@2.1) came after it was resolved") in page
    store(exception_event())  # unresolved: no more rows
    assert Activity.objects.filter(kind="regressed").count() == 1


def test_every_kind_of_entry_is_told_in_words_escaped(issue, changer):
    rows = [
        ("resolved", {"in": "", "release": ""}), ("resolved", {"in": "next_release", "release": "shop@2.0"}),
        ("resolved", {"in": "release", "release": "shop@3.0"}), ("unresolved", {}), ("ignored", {}),
        ("ignored", {"until": "2026-12-24T18:00:00+00:00", "events": 3}),
        ("ignored", {"users": 5, "rate": 100}),
        ("came_back", {"reason": "events", "count": 7}),
        ("came_back", {"reason": "rate", "rate": 100, "last_hour": 130}),
        ("came_back", {"reason": "until", "until": "2026-12-24T18:00:00+00:00"}),
        ("merged", {"issues": [7, 8], "titles": [XSS, "KeyError"], "hashes": []}),
        ("unmerged", {"hashes": ["ab"], "events": 2, "to": 99}),
        ("unmerged", {"hashes": ["ab"], "events": 1, "from": 98}),
    ]
    Activity.objects.bulk_create(Activity(issue=issue, kind=kind, data=data, user=changer) for kind, data in rows)
    page = login(changer).get(url("issue_detail", issue.pk)).content.decode()
    for line in [
        "changer resolved the issue <", "changer resolved the issue in the next release (after shop@2.0)",
        "changer resolved the issue in release shop@3.0", "changer unresolved the issue",
        "changer ignored the issue forever",
        "changer ignored the issue until 2026-12-24 18:00 or until 3 more events",
        "changer ignored the issue until 5 more users or until more than 100 events in an hour",
        "The issue came back: it reached 7 events", "The issue came back: more than 100 events in an hour (130)",
        "The issue came back: its ignore period ended (2026-12-24 18:00)",
        "changer merged 2 issues into this one: &lt;script&gt;alert(1)&lt;/script&gt;",
        f'changer moved 2 events to <a href="{url("issue_detail", 99)}">issue 99</a>',
        f'changer split this issue off <a href="{url("issue_detail", 98)}">issue 98</a> with 1 event',
    ]:
        assert line in page, line
    assert XSS not in page
