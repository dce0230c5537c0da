"""Turning a cart into a paid order."""

import logging

import sentry_sdk

from . import payment

logger = logging.getLogger("shop.checkout")


class CheckoutFailed(RuntimeError):
    pass


def cart_total(cart: dict) -> int:
    return sum(item["price"] * item["qty"] for item in cart["items"])


def place_order(cart: dict, card: dict) -> str:
    sentry_sdk.add_breadcrumb(category="cart", message=f"cart {cart['id']} has {len(cart['items'])} items", data=cart)
    logger.info("charging card of %s", card["holder"])
    try:
        return payment.charge_card(card, amount=cart_total(cart))
    except payment.PaymentDeclined as exc:
        raise CheckoutFailed(f"checkout of cart {cart['id']} failed") from exc
