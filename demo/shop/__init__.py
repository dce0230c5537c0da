"""A small online shop: catalogue, cart checkout, card payments, accounts, reports, background jobs.

The demo site's app (``demo/``, outside minisentry's package): its views raise real errors, and its
``manage.py minisentry_demo`` seeds them. Its frames and culprits read like a project's own
(``shop.checkout in place_order``)."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())  # its logs go to sentry-sdk, not to stderr
