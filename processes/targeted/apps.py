from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetedConfig(AppConfig):
    name = "processes.targeted"
    verbose_name = _("Targeted-enrolment check")
