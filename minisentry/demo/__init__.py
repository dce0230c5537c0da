"""The demo's data source: ``shop/``, a small shop's own code whose views raise real errors.
``minisentry_demo`` imports it as the top-level package ``shop``, so its frames and culprits read
like a project's (``shop.checkout in place_order``), not like minisentry's."""
