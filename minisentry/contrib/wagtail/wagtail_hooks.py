"""Wagtail imports this module. Without "minisentry" installed it registers nothing (its models
could not even be imported) and check minisentry.E010 says what is wrong."""

from django.apps import apps

if apps.is_installed("minisentry"):
    from . import hooks  # noqa: F401  (registers the menu item, the admin URLs and the permissions)
