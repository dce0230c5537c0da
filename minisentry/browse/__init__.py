"""Browse: the staff pages (``views``, ``storage_views``), their queries (``queries``), the issue
search in Sentry's syntax (``search``: for both frames and the API), the shaping
of a stored event for templates (``display``) and the admin frames they render in (``frames``)."""
