"""Alerts' filters (level, environment, project) and the assignee's e-mail on a regression; stored in
the test's transaction, so alerts go out from the storing thread."""

import pytest
from django.test import override_settings

from minisentry import confcheck
from minisentry.models import Issue, Project
from minisentry.testing import store_events

from ..uihelpers import make_user, message_event

pytestmark = pytest.mark.usefixtures("db")


def alerting(**options):
    return override_settings(MINISENTRY_ALERTS={"rate_limit_seconds": 0, **options})


def regress(issue: Issue, **event) -> None:
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.RESOLVED)
    store_events([message_event("TEA", **event)])


@pytest.fixture
def issue():
    store_events([message_event("TEA")])
    return Issue.objects.get()


def test_the_assignee_gets_an_email_when_their_issue_regresses(issue, mailoutbox):
    ada = make_user("ada", "view_issue")
    ada.email = "ada@example.com"
    ada.save()
    regress(issue)
    assert mailoutbox == []  # nobody assigned, no alert settings
    Issue.objects.filter(pk=issue.pk).update(assignee=ada)
    regress(issue)
    [mail] = mailoutbox
    assert mail.to == ["ada@example.com"] and mail.subject == "[minisentry] Regression: stock of TEA is low"
    with alerting(emails=["ops@example.com", "ada@example.com"]):
        regress(issue)
    assert mailoutbox[-1].to == ["ops@example.com", "ada@example.com"]  # once each
    with alerting(notify_assignee=False):
        regress(issue)
    ada.is_active = False
    ada.save()
    regress(issue)
    assert len(mailoutbox) == 2


def test_the_assignees_email_keeps_the_rate_limit(issue, mailoutbox):
    ada = make_user("ada", "view_issue")
    ada.email = "ada@example.com"
    ada.save()
    Issue.objects.filter(pk=issue.pk).update(assignee=ada)
    with alerting(rate_limit_seconds=300):
        regress(issue)
        regress(issue)
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("options, alerted", [
    ({}, True),
    ({"levels": ["warning", "fatal"]}, True), ({"levels": ["fatal"]}, False),
    ({"environments": ["production"]}, True), ({"environments": ["staging"]}, False),
    ({"projects": ["site"]}, True), ({"projects": ["shop"]}, False),
    ({"levels": ["warning"], "environments": ["staging"]}, False),
])
def test_filters_keep_alerts_to_some_issues(mailoutbox, options, alerted):
    Project.objects.create(name="Shop", slug="shop")
    with alerting(emails=["ops@example.com"], **options):
        store_events([message_event("TEA", environment="production")])  # a warning of the site's project
    assert len(mailoutbox) == int(alerted)


def test_the_checks_know_the_new_keys():
    assert confcheck.dict_problems("ALERTS", {"levels": ["error"], "environments": ["production"],
                                              "projects": ["site"], "notify_assignee": False}) == []
    assert confcheck.dict_problems("ALERTS", {"levels": ["critical"], "environments": "production",
                                              "notify_assignee": "yes"}) == [
        "'levels' must name levels among fatal, error, warning, info, debug, not 'critical'",
        "'environments' must be a list of strings, not the string 'production' (write ['production'])",
        "'notify_assignee' must be True or False, not str 'yes'",
    ]
