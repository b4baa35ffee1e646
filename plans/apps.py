from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Rectification plans"

    def ready(self) -> None:
        from plans import hooks

        hooks.register()
