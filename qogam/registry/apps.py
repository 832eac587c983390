from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "qogam.registry"
    label = "registry"
    verbose_name = _("Register of organisations and state bodies")
