from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = _("Provincial sync")

    def ready(self):
        from cases.hook import on_case_changed

        from . import tasks  # noqa: F401  (registers the relay the outbox queues by name)
        from .outbox import record_change

        on_case_changed(record_change)
