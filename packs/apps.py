from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "packs"
    verbose_name = "Committee packs"

    def ready(self) -> None:
        from packs import hooks

        hooks.register()
