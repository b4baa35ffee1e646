from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Contract Performance Notices"

    def ready(self) -> None:
        from notices import hooks

        hooks.register()
