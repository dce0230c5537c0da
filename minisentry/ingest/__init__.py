"""The ingest endpoint: events from other SDKs (the site's browser JavaScript, its other services,
``sentry-cli``) over a DSN, as Relay takes them. A request is checked and bounded here — its key
(``auth``, ``keys``), its origin (``cors``), its body's sizes and encoding (``body``), its envelope
(``envelope``), its rate (``limits``) — then its events are handed, as bytes, to the writer's
queue (``handoff``): the writer parses them once, on the pipeline every event takes. The request
never waits on the database. Mounted by the site (``urls``); ``views`` ties the steps together."""
