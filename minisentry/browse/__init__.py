"""Browse: the staff pages (``views``, ``storage_views``), their queries (``queries``), the shaping
of a stored event for templates (``display``) and the admin frames they render in (``frames``)."""
