"""Seed real errors: requests to the shop's views under sentry-sdk's DjangoIntegration, its
background jobs' logged errors, chained exceptions, a custom fingerprint, and a resolved issue that
regresses (``scripts/demo`` runs it; it belongs to the demo site, not to minisentry's package).

Events take the environment sentry-sdk was initialised with (the demo site's settings), so the
seeded data and new errors agree. Without a DSN, nothing leaves the machine: events go to
``minisentry.store()``.
"""

import logging
import random
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand
from django.test import RequestFactory, override_settings
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.scope import Scope, ScopeType, use_isolation_scope, use_scope

import minisentry
from minisentry.models import Issue
from shop import jobs as shop_jobs
from shop import urls as shop_urls

HOURS_OF_HISTORY = 24
CUSTOMERS = 40  # the demo requests come from this many customers


@contextmanager
def fresh_scope():
    """New, empty sentry scopes, as a server gives each request: nothing of whatever ran before in
    this thread (breadcrumbs, user, tags, a request's event processor setting the transaction)."""
    with use_isolation_scope(Scope(ty=ScopeType.ISOLATION)), use_scope(Scope(ty=ScopeType.CURRENT)):
        yield


def get(app, url: str, **params) -> None:
    """A GET through the WSGI application by one of the shop's customers, as a server sends it
    (sentry-sdk's WSGI layer records it; the shop's login middleware would name the customer)."""
    environ = RequestFactory().get(url, params, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) demo").environ
    customer = random.randrange(1, CUSTOMERS + 1)
    with fresh_scope():
        sentry_sdk.set_user({"id": str(customer), "email": f"customer{customer}@shop.example"})
        b"".join(app(environ, lambda status, headers, exc_info=None: None))


def backdated(hook, spread: timedelta):
    """A before_send that moves each event back in time by up to ``spread`` (the demo's history)."""

    def before_send(event, hint):
        moment = datetime.now(UTC) - spread * random.random()
        event["timestamp"] = moment.isoformat()
        return hook(event, hint)

    return before_send


class Command(BaseCommand):
    help = "Seed minisentry with real errors raised through a small shop's code (for demos and screenshots)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same data for the same seed).")

    def init_sdk(self, release: str, environment: str, before_send) -> None:
        sentry_sdk.init(
            dsn=None, before_send=before_send, release=release, environment=environment,
            server_name="web-1", include_local_variables=True, in_app_include=["shop"],
            integrations=[DjangoIntegration(), LoggingIntegration(level=logging.INFO, event_level=logging.WARNING)],
        )

    def requests(self, app, rounds: int) -> None:
        for n in range(rounds):
            get(app, f"/checkout/{1000 + n}/", holder="Grace")
            get(app, f"/products/{random.choice(['teapot', 'kettle'])}/")
            if n % 2:
                get(app, "/search/", page="two", q="green tea")
            if n % 3 == 0:
                get(app, f"/users/{n}/")
                get(app, "/reports/")

    def step(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, seed: int, **options):
        random.seed(seed)
        environment = sentry_sdk.get_client().options.get("environment") or "production"
        app = WSGIHandler()
        with override_settings(ROOT_URLCONF=shop_urls, ALLOWED_HOSTS=["*"], DEBUG=False):
            self.step(f"Sending requests that fail to the shop (release shop@1.4.0, environment {environment})…")
            self.init_sdk("shop@1.4.0", environment, backdated(minisentry.store(), timedelta(hours=HOURS_OF_HISTORY)))
            self.requests(app, rounds=12)
            self.step("Running the shop's nightly jobs, which log errors…")
            with fresh_scope():
                shop_jobs.nightly()
            minisentry.flush(60)
            self.step("Resolving the search's ValueError, then release shop@1.5.0 brings it back (a regression)…")
            fixed = Issue.objects.filter(title__startswith="ValueError")
            fixed.update(status=Issue.Status.RESOLVED, resolved_at=datetime.now(UTC))
            self.init_sdk("shop@1.5.0", environment, minisentry.store())
            get(app, "/search/", page="三")
            self.requests(app, rounds=2)
            minisentry.flush(60)
        sentry_sdk.init()
        self.stdout.write(f"Seeded {Issue.objects.count()} issues from real errors.")
