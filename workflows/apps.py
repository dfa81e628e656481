from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self):
        from cases.hook import on_case_changed

        from .scope import rows_follow_case

        on_case_changed(rows_follow_case)
