"""The search applied to issues in the database (SQLite and PostgreSQL alike): each term selects the
issues its README line promises, and a search with a term not understood selects none."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from minisentry.browse.search import Filter, apply, parse, tag_term
from minisentry.models import Issue, Project

from ..uihelpers import make_user, message_event, store

pytestmark = pytest.mark.usefixtures("db")
TITLES = {name: f"stock of {name} is low" for name in ("TEA", "MUG", "POT", "CUP")}


@pytest.fixture
def issues():
    """TEA: unresolved, new, seen 150 times by 5 users; MUG: resolved; POT: ignored, old; CUP: regressed."""
    store(
        message_event("TEA", environment="staging", release="shop@1.0", tags={"plan": "free", "path": "/cart/7/"},
                      user={"email": "bo@x.io"}),
        message_event("MUG", environment="production", release="shop@2.0", tags={"plan": "pro"}, user={"id": "7"}),
        message_event("POT", level="error", release="shop@2.1", tags={"browser": "Mobile Safari"}),
        message_event("CUP", tags={"note": "5*3"}),
    )
    now = timezone.now()
    columns = {
        "TEA": {"event_count": 150, "user_count": 5, "first_seen": now - timedelta(hours=2),
                "last_seen": now - timedelta(minutes=30)},
        "MUG": {"event_count": 100, "user_count": 4, "first_seen": now - timedelta(days=3),
                "last_seen": now - timedelta(hours=2), "status": Issue.Status.RESOLVED},
        "POT": {"event_count": 1, "user_count": 0, "first_seen": now - timedelta(days=10),
                "last_seen": now - timedelta(days=8), "status": Issue.Status.IGNORED},
        "CUP": {"event_count": 3, "user_count": 0, "first_seen": now - timedelta(days=20),
                "last_seen": now - timedelta(days=1), "is_regression": True, "regressed_at": now - timedelta(days=1)},
    }
    for name, values in columns.items():
        Issue.objects.filter(title=TITLES[name]).update(**values)


def found(text: str, user=None) -> set[str]:
    titles = apply(Issue.objects.all(), parse(text), user).values_list("title", flat=True)
    return {title.split()[2] for title in titles}


@pytest.mark.parametrize(("text", "names"), [
    ("stock", {"TEA", "MUG", "POT", "CUP"}),
    ("stock TEA", {"TEA"}),
    ('"of MUG"', {"MUG"}),
    ("plan:free", {"TEA"}),
    ("!plan:free", {"MUG", "POT", "CUP"}),
    ("plan:[free, pro]", {"TEA", "MUG"}),
    ("!plan:[free, pro]", {"POT", "CUP"}),
    ("plan:free plan:pro", set()),
    ('browser:"Mobile Safari"', {"POT"}),
    ("browser:mobile*", set()),  # values match case
    ("browser:Mobile*", {"POT"}),
    ("tags[path]:/cart/*", {"TEA"}),
    ("path:*/7/", {"TEA"}),
    ("has:browser", {"POT"}),
    ("note:5\\*3", {"CUP"}),  # an escaped asterisk is itself
    ("note:5*", {"CUP"}),
    ("note:5\\*", set()),
    ("!has:browser", {"TEA", "MUG", "CUP"}),
    ("has:user", {"TEA", "MUG"}),
    ("release:shop@2.*", {"MUG", "POT"}),
    ("release:*1.0", {"TEA"}),
    ("release:latest", {"TEA"}),  # the release of the latest event that named one
    ("release:[latest, shop@2.1]", {"TEA", "POT"}),
    ("!release:latest", {"MUG", "POT", "CUP"}),
    ("firstRelease:shop@2.0", {"MUG"}),
    ("firstRelease:latest", {"TEA"}),
    ("first_release:shop@2.*", {"MUG", "POT"}),
    ("environment:staging", {"TEA"}),
    ("environment:[staging, production]", {"TEA", "MUG"}),
    ("level:error", {"POT"}),
    ("level:warning", {"TEA", "MUG", "CUP"}),
    ("user.email:bo@x.io", {"TEA"}),
    ("user.email:*@x.io", {"TEA"}),
    ("user.id:7", {"MUG"}),
    ("user.id:[7, 8]", {"MUG"}),
    ("has:user.email", {"TEA"}),
    ("!has:user.id", {"TEA", "POT", "CUP"}),
    ("timesSeen:>100", {"TEA"}),
    ("timesSeen:100", {"MUG"}),
    ("!timesSeen:100", {"TEA", "POT", "CUP"}),
    ("times_seen:<=100", {"MUG", "POT", "CUP"}),
    ("timesSeen:>=0.1k", {"TEA", "MUG"}),
    ("users:>=5", {"TEA"}),
    ("users:<1", {"POT", "CUP"}),
    ("age:-24h", {"TEA"}),
    ("age:+1d", {"MUG", "POT", "CUP"}),
    ("firstSeen:+7d", {"POT", "CUP"}),
    ("!firstSeen:+7d", {"TEA", "MUG"}),
    ("lastSeen:-1h", {"TEA"}),
    ("lastSeen:+1w", {"POT"}),
    ("is:unresolved", {"TEA", "CUP"}),
    ("is:resolved", {"MUG"}),
    ("is:ignored", {"POT"}),
    ("is:archived", {"POT"}),
    ("!is:resolved", {"TEA", "POT", "CUP"}),
    ("is:new", {"TEA"}),
    ("is:regressed", {"CUP"}),
    ("!is:new", {"MUG", "POT", "CUP"}),
    ("is:unresolved plan:free stock timesSeen:>1 age:-1d", {"TEA"}),
    ("stock -plan:pro", set()),  # not understood: nothing, and the page says why
])
def test_each_term_selects_what_it_promises(issues, text, names):
    assert found(text) == names


def test_dates_against_a_given_day(issues):
    day = Issue.objects.get(title=TITLES["MUG"]).first_seen.date()
    assert found(f"firstSeen:{day.isoformat()}") == {"MUG"}
    assert found(f"firstSeen:>{day.isoformat()}") >= {"TEA"}
    assert "MUG" not in found(f"firstSeen:<{day.isoformat()}")


def test_latest_follows_the_newest_event(issues):
    Issue.objects.filter(title=TITLES["POT"]).update(last_seen=timezone.now())
    assert found("release:latest") == found("firstRelease:latest") == {"POT"}
    Issue.objects.update(release="")
    assert found("release:latest") == set()  # no event named a release


@pytest.fixture
def assigned(issues):
    """TEA assigned to ann, MUG to bob; POT and CUP to no one."""
    ann, bob = make_user("ann"), make_user("bob")
    Issue.objects.filter(title=TITLES["TEA"]).update(assignee=ann)
    Issue.objects.filter(title=TITLES["MUG"]).update(assignee=bob)
    return ann


@pytest.mark.parametrize(("text", "names"), [
    ("assigned:me", {"TEA"}),
    ("!assigned:me", {"MUG", "POT", "CUP"}),
    ("assigned:bob", {"MUG"}),
    ("assigned:none", {"POT", "CUP"}),
    ("assigned:[me, none]", {"TEA", "POT", "CUP"}),
    ("assigned_to:[ann, bob]", {"TEA", "MUG"}),
    ("assigned:nobody-by-that-name", set()),
    ("is:assigned", {"TEA", "MUG"}),
    ("is:unassigned", {"POT", "CUP"}),
    ("!is:assigned is:unresolved", {"CUP"}),
])
def test_assignee_terms(assigned, text, names):
    assert found(text, user=assigned) == names


def test_assigned_to_me_without_a_user_is_no_one(assigned):
    assert found("assigned:me") == set() and found("assigned:me", user=AnonymousUser()) == set()


def test_project_and_each_projects_latest_release(issues):
    api = Project.objects.create(name="API", slug="api")
    Issue.objects.filter(title__in=[TITLES["MUG"], TITLES["POT"]]).update(project=api)
    assert found("project:api") == {"MUG", "POT"} and found("!project:api") == {"TEA", "CUP"}
    assert found("project:[api, site]") == {"TEA", "MUG", "POT", "CUP"} and found("project:ap*") == {"MUG", "POT"}
    # site's latest event named shop@1.0 (TEA), api's shop@2.0 (MUG, seen after POT)
    assert found("release:latest") == found("firstRelease:latest") == {"TEA", "MUG"}
    assert found("project:api release:latest") == {"MUG"}


@pytest.mark.parametrize(("key", "value"), [
    ("plan", 'a "quoted" 5*3'), ("project", "shop"), ("is", "resolved"), ("age", "-24h"), ("release", "latest"),
    ("-odd", "x"), ("user.id", "7"), ("path", "ends with \\"),
])
def test_a_tag_links_to_a_search_finding_exactly_it(key, value):
    store(message_event("TEA", tags={key: value}), message_event("MUG", tags={key: value + "x"}))
    term = tag_term(key, value)
    assert parse(term).filters == (Filter(term, "tag", (value.replace("*", "\\*"),), key=key),)
    assert found(term) == {"TEA"}
