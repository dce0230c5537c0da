from django.apps import AppConfig, apps
from django.core import checks


class MinisentryWagtailConfig(AppConfig):
    name = "minisentry.contrib.wagtail"
    label = "minisentry_wagtail"
    verbose_name = "minisentry for Wagtail"

    def ready(self) -> None:
        checks.register(check_minisentry_installed)


def check_minisentry_installed(app_configs=None, **kwargs):
    if apps.is_installed("minisentry"):
        return []
    return [checks.Error(
        "'minisentry.contrib.wagtail' is in INSTALLED_APPS without 'minisentry'.",
        hint="Add 'minisentry' to INSTALLED_APPS (before 'minisentry.contrib.wagtail').",
        id="minisentry.E010",
    )]
