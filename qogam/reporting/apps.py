from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "qogam.reporting"
    label = "reporting"
    verbose_name = _("NGO Database: annual reports and foreign funding")

    def ready(self):
        from qogam.reporting import guards

        guards.connect()
