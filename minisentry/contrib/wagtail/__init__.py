"""minisentry inside the Wagtail admin: add ``"minisentry.contrib.wagtail"`` beside ``"minisentry"``."""
