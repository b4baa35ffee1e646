"""Checks for rows that arrive through `loaddata`, which bypasses `save()` and forms.

Fixtures get the same validation as the admin and the pages: a bad figure in a fixture stops the
load with the field's message instead of slipping into the database. `KpisConfig.ready` connects
`validate_raw_rows` to every model's `pre_save`.
"""

from django.utils import timezone

from kpis.models import Reading, ReportingPeriod

_CHECKED_APPS = {"contracts", "kpis"}


def validate_raw_rows(sender, instance, raw: bool, **kwargs) -> None:
    if not raw or sender._meta.app_label not in _CHECKED_APPS:
        return
    if isinstance(instance, ReportingPeriod):
        instance.fill_derived_fields()
    if isinstance(instance, Reading):
        # A fixture's "" means the KPI's own unit.
        instance.unit_id = instance.unit_id or instance.kpi.unit_id
        instance.updated_at = instance.updated_at or timezone.now()
    # Uniqueness is left to the database: a natural key that matches a stored row updates it.
    instance.full_clean(validate_unique=False, validate_constraints=False)
