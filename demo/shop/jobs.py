"""Background jobs: refunds, stock checks, the nightly export. They log their failures."""

import logging
import random

import sentry_sdk

payments = logging.getLogger("shop.payments")
stock = logging.getLogger("shop.stock")
database = logging.getLogger("shop.db")


def retry_refunds(orders: range) -> None:
    for order in orders:
        payments.error("refund of order %s failed: gateway returned %s", order, random.choice([502, 503]))


def check_stock(sku: str, minimum: int) -> None:
    stock.warning("stock for %s is below %d", sku, minimum)


def nightly() -> None:
    retry_refunds(range(5000, 5004))
    check_stock("TEA-01", 5)
    database.critical("database connection pool exhausted (%d of %d in use)", 20, 20)
    sentry_sdk.capture_message("nightly export finished with 3 skipped rows", level="info")
