from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "processes.registration"
    verbose_name = _("Destination registration")
