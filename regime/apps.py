from django.apps import AppConfig


class RegimeConfig(AppConfig):
    name = "regime"
    verbose_name = "Performance regime"

    def ready(self) -> None:
        from regime import hooks

        hooks.register()
