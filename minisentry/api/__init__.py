"""A subset of Sentry's web API (``api/0/…``) that sentry-cli and scripts speak, with bearer tokens."""
