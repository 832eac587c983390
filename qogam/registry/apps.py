from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "qogam.registry"
    label = "registry"
    verbose_name = _("Register of organisations and state bodies")

    def ready(self):
        from django.db.models.signals import post_migrate

        from qogam.registry import search

        post_migrate.connect(search.ensure_search_index, sender=self)
