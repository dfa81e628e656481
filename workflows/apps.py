from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self):
        from cases.hook import on_case_changed

        from .registry import registry
        from .task_rows import rows_follow_case, sla_rows_ensure

        on_case_changed(rows_follow_case)
        registry.load()
        post_migrate.connect(sla_rows_ensure, sender=self)
