from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MinisentryConfig(AppConfig):
    name = "minisentry"
    verbose_name = _("Errors (minisentry)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .capture import stages
        from .capture.writer import writer

        writer.use(stages)  # events captured while Django started are written from now on
