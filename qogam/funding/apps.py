from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "qogam.funding"
    label = "funding"
    verbose_name = _("State funding: the competition engine")
