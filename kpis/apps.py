from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "KPIs"

    def ready(self) -> None:
        from kpis.models import Kpi
        from kpis.reads import contract_tables
        from kpis.writes import data_version, fixture_checks, opening

        data_version.watch_own_models()
        contract_tables.register()
        # Here rather than beside the function, so that it is connected in every process, not
        # only in those that happen to import the services (the admin does, a worker may not).
        post_save.connect(
            opening.kpi_saved,
            sender=Kpi,
            dispatch_uid="kpis.writes.opening.add_kpi_to_open_returns",
        )
        pre_save.connect(
            fixture_checks.validate_raw_rows, dispatch_uid="kpis.writes.fixture_checks"
        )
