from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


def _remove_triggers(sender, using, **kwargs):
    from django.db import connections

    from .db_triggers import remove_triggers

    remove_triggers(connections[using])


def _install_triggers(sender, using, **kwargs):
    from django.db import connections

    from .db_triggers import install_triggers

    install_triggers(connections[using])


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        # Only once per migrate run: the signals are sent for every app; these handlers listen to this one.
        pre_migrate.connect(_remove_triggers, sender=self, dispatch_uid="claims_remove_triggers")
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="claims_install_triggers")
