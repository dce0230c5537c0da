"""A small online shop: catalogue, cart checkout, card payments, accounts, reports, background jobs."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())  # its logs go to sentry-sdk, not to stderr
