"""Seed real errors: requests to small views under sentry-sdk's DjangoIntegration, logged errors,
chained exceptions, a custom fingerprint, and a resolved issue that regresses.

The command initialises sentry-sdk for this process without a DSN, so nothing leaves the machine:
events go to ``minisentry.store()`` only. This module is also the URLconf of the demo requests.
"""

import logging
import random
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

import minisentry
from minisentry.models import Issue

logger = logging.getLogger("shop.payments")
HOURS_OF_HISTORY = 24


class PaymentDeclined(Exception):
    pass


def charge_card(card: dict, amount: int) -> None:
    if card["number"].endswith("0002"):
        raise PaymentDeclined(f"card ending {card['number'][-4:]} declined for {amount} cents")


def checkout(request, cart_id: int):
    cart = {"id": cart_id, "items": [{"sku": "TEA-01", "qty": 2}, {"sku": "MUG-07", "qty": 1}], "coupon": None}
    card = {"number": "4000000000000002", "holder": request.GET.get("holder", "Ada")}
    sentry_sdk.add_breadcrumb(category="cart", message=f"cart {cart_id} has {len(cart['items'])} items", data=cart)
    logger.info("charging card of %s", card["holder"])
    try:
        charge_card(card, amount=2599)
    except PaymentDeclined as exc:
        raise RuntimeError(f"checkout of cart {cart['id']} failed") from exc
    return HttpResponse("paid")


def product(request, slug: str):
    prices = {"tea": 450, "mug": 1200}
    return HttpResponse(str(prices[slug]))  # KeyError for unknown products


def search(request):
    page = int(request.GET.get("page", "1"))  # ValueError for ?page=two
    return HttpResponse(f"page {page}")


def profile(request, user_id: int):
    sentry_sdk.set_user({"id": str(user_id), "email": f"user{user_id}@example.com"})
    sentry_sdk.set_tag("plan", "pro" if user_id % 2 else "free")
    sentry_sdk.add_breadcrumb(category="auth", message=f"loaded session of user {user_id}", level="info")
    settings = None
    return HttpResponse(settings["theme"])  # TypeError: None is not subscriptable


def report(request):
    """A timeout that is grouped by a custom fingerprint, whatever the stack trace says."""
    with sentry_sdk.new_scope() as scope:
        scope.fingerprint = ["report-backend-timeout"]
        scope.set_tag("backend", random.choice(["reports-1", "reports-2"]))
        try:
            raise TimeoutError(f"report backend did not answer within {random.randint(5, 30)} s")
        except TimeoutError:
            sentry_sdk.capture_exception()
    return HttpResponse("queued")


urlpatterns = [
    path("checkout/<int:cart_id>/", checkout),
    path("products/<slug:slug>/", product),
    path("search/", search),
    path("users/<int:user_id>/", profile),
    path("reports/", report),
]


@contextmanager
def fresh_scope():
    """A sentry scope of its own with no breadcrumbs, as a server gives each request."""
    with sentry_sdk.isolation_scope() as scope:
        scope.clear_breadcrumbs()
        yield


def get(app, url: str, **params) -> None:
    """A GET through the WSGI application, as a server sends it (sentry-sdk's WSGI layer records it)."""
    environ = RequestFactory().get(url, params, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) demo").environ
    with fresh_scope():
        b"".join(app(environ, lambda status, headers, exc_info=None: None))


def backdated(hook, spread: timedelta):
    """A before_send that moves each event back in time by up to ``spread`` (the demo's history)."""

    def before_send(event, hint):
        moment = datetime.now(UTC) - spread * random.random()
        event["timestamp"] = moment.isoformat()
        return hook(event, hint)

    return before_send


class Command(BaseCommand):
    help = "Seed minisentry with real errors raised through real code paths (for demos and screenshots)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same data for the same seed).")

    def init_sdk(self, release: str, before_send) -> None:
        sentry_sdk.init(
            dsn=None, before_send=before_send, release=release, environment="production",
            server_name="web-1", include_local_variables=True, in_app_include=[__name__],
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

    def log(self) -> None:
        with fresh_scope():
            self.log_in_scope()

    def log_in_scope(self) -> None:
        for order in range(4):
            logger.error("refund of order %s failed: gateway returned %s", 5000 + order, random.choice([502, 503]))
        logger.warning("stock for %s is below %d", "TEA-01", 5)
        logger.critical("database connection pool exhausted (%d of %d in use)", 20, 20)
        sentry_sdk.capture_message("nightly export finished with 3 skipped rows", level="info")

    def handle(self, *args, seed: int, **options):
        random.seed(seed)
        app = WSGIHandler()
        with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], DEBUG=False):
            self.init_sdk("shop@1.4.0", backdated(minisentry.store(), timedelta(hours=HOURS_OF_HISTORY)))
            self.requests(app, rounds=12)
            self.log()
            minisentry.flush(60)
            fixed = Issue.objects.filter(title__startswith="ValueError")
            fixed.update(status=Issue.Status.RESOLVED, resolved_at=datetime.now(UTC))
            self.init_sdk("shop@1.5.0", minisentry.store())  # the fix did not hold: a regression
            get(app, "/search/", page="三")
            self.requests(app, rounds=2)
            minisentry.flush(60)
        sentry_sdk.init()
        self.stdout.write(f"Seeded {Issue.objects.count()} issues from real errors.")
