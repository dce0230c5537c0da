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
        from .ops import alerts
        from .ops.outbox import outbox
        from .signals import issue_created, issue_regressed
        from .storage.index import count

        # Alerts consume what the pipeline stored, on a thread of their own.
        outbox.use(alerts.load, alerts.send, count)
        issue_created.connect(alerts.issue_created, dispatch_uid="minisentry.alerts.created")
        issue_regressed.connect(alerts.issue_regressed, dispatch_uid="minisentry.alerts.regressed")
        writer.use(stages)  # events captured while Django started are written from now on
