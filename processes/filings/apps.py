from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "processes.filings"
    # The label the filing and report tables were created under.
    label = "reporting"
    verbose_name = _("Filing and provincial reports")
