from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_search_index(sender, using: str = "default", **kwargs) -> None:
    # A later migration that rebuilds the enterprise table on SQLite drops its triggers;
    # reinstalling after every migrate keeps the search index in step (idempotent).
    from django.db import connections

    from chainvest.enterprises.search import install_search_index

    install_search_index(connections[using])


class EnterprisesConfig(AppConfig):
    name = "chainvest.enterprises"
    label = "enterprises"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_search_index, sender=self)
