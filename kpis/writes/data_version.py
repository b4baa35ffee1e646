"""Every change to what a contract's pages show moves the contract's data version on, in the
same transaction, so that a page cached under the version it was built from is never served
once the data beneath it has changed.

Every model is decided about, and tests/kpis/test_data_version_models.py walks
`apps.get_models()` to see that none is left out:

- a model whose rows a contract's pages show is watched (`watch`, called from an app's
  `ready()`): a row saved or deleted on its own sends a signal, on which its contracts are
  touched; and its default manager is a `contracts.querysets.VersionedQuerySet`, whose `update`,
  `bulk_create`, `bulk_update` and `delete`, which send no signal, touch them themselves, so
  that no write in bulk (simple-history's `bulk_*_with_history` among them) needs a `touch`
  beside it. The contracts' own QuerySet moves their version on in its `update` and
  `bulk_update`. Users are watched through signals alone: their names are shown beside what
  they changed, and nothing here writes them in bulk;
- a model that no contract's page shows is listed in `NOT_SHOWN`, with the reason;
- simple-history's record of a model follows the model it records: its rows are written in the
  same save, or bulk write, as the row they record, which moves the version on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save

from contracts.models import Assignment, Budget, Contract, Extension, ServiceArea
from kpis.models import (
    Kpi,
    MonthlyFigure,
    PublishedSummary,
    QuarterlyReturn,
    Reading,
    ReportingPeriod,
    RuleChange,
    Suspension,
    SuspensionRequest,
    Unit,
)

ContractsOf = Callable[[Model], Q]

# Every model watched, by label ("kpis.Reading"): filled by `watch`.
WATCHED: dict[str, ContractsOf] = {}

# The models no contract's page shows, by label, with the reason.
NOT_SHOWN = {
    "admin.LogEntry": "the admin's record of its own changes, read only in the admin",
    "auth.Permission": "Django's permissions, read only by the admin",
    "auth.Group": "the roles: a reader's part in a contract is in a cached page's key, not in "
    "the page (kpis.pages.page_cache)",
    "auth.User_groups": "who holds which role: in a cached page's key, not in the page",
    "auth.Group_permissions": "Django's permissions, read only by the admin",
    "auth.User_user_permissions": "Django's permissions, read only by the admin",
    "contenttypes.ContentType": "Django's list of the installed models",
    "sessions.Session": "who is signed in",
    "axes.AccessAttempt": "failed sign-ins, read by the lockout and the admin",
    "axes.AccessAttemptExpiration": "when a lockout ends, read by the lockout",
    "axes.AccessFailureLog": "failed sign-ins, read by the admin",
    "axes.AccessLog": "sign-ins, read by the admin",
    "authtoken.Token": "API clients' keys, read by the API's sign-in and the admin",
    "authtoken.TokenProxy": "the API keys as Django REST framework's admin shows them",
    "api.ApiToken": "the API keys as the admin shows them",
    "reminders.ReminderSent": "which reminders were emailed: only the reminder emails read it",
    "questions.WorkSeen": "when a committee member last opened My work: only My work, which no "
    "page cache keeps for them, and the reminder emails read it",
}


def watch(model: type[Model], contracts_of: ContractsOf, *, unseen: Iterable[str] = ()) -> None:
    """Touch the contracts `contracts_of(row)` selects whenever a row of `model` is saved or
    deleted, except a save of the fields `unseen` alone, which no page shows."""
    unseen = frozenset(unseen)

    def changed(sender, instance, update_fields=None, **kwargs) -> None:
        if update_fields and update_fields <= unseen:
            return
        Contract.objects.filter(contracts_of(instance)).touch()

    uid = f"data_version:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    WATCHED[model._meta.label] = contracts_of


def of_contract(row) -> Q:
    return Q(pk=row.contract_id)


def of_kpi(row) -> Q:
    # A subquery in the UPDATE itself: no query to find the KPI's contract first.
    return Q(kpis=row.kpi_id)


def of_reading(row) -> Q:
    return Q(kpis__readings=row.reading_id)


def everyone(row) -> Q:
    return Q()


def watch_own_models() -> None:
    watch(Contract, lambda row: Q(pk=row.pk))
    for model in (ServiceArea, Extension, Budget, Kpi, QuarterlyReturn):
        watch(model, of_contract)
    # Who works on a contract decides the returns in their panel on the home page.
    watch(Assignment, of_contract)
    for model in (Reading, Suspension, SuspensionRequest, RuleChange):
        watch(model, of_kpi)
    # A month shows on its KPI's page and its quarter's return.
    watch(MonthlyFigure, of_reading)
    watch(PublishedSummary, lambda row: Q(service_areas=row.service_area_id))
    # A shared unit, or a quarter's dates, appear on every contract's pages.
    watch(Unit, lambda row: of_contract(row) if row.contract_id else Q())
    watch(ReportingPeriod, everyone)
    # Names are shown beside changes on any contract (a KPI's history, reliefs, rule changes);
    # signing in saves the user too, but changes nothing shown.
    watch(get_user_model(), everyone, unseen={"last_login", "password"})
