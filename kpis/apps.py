from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "KPIs"

    def ready(self) -> None:
        from kpis import data_version, signals  # noqa: F401

        data_version.watch_own_models()
