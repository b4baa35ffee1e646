"""Every model is decided about: either a change to its rows moves its contracts' data version on
(so that no cached page outlives it), or it is listed as never shown on a contract's pages.

A new model fails here until someone decides; a watched model is shown, row by row, to move the
version on when a row is saved, updated, written in bulk or deleted (kpis.writes.data_version).
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, Model
from django.db.models.signals import post_delete
from django.utils import timezone
from simple_history.models import registered_models
from simple_history.utils import get_history_model_for_model

from contracts.models import Assignment, Budget, Contract, Extension, ServiceArea
from evidence.models import Evidence
from kpis.choices import Direction, Frequency, UnitCode
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
    UnitKind,
)
from kpis.writes import data_version
from notices.choices import BreachOutcome, Rating
from notices.models import Breach, NoticeRating, PerformanceNotice
from packs.models import PublishedPack
from plans.models import Plan, PlanAction, PlanSettings
from questions.models import AgreedAction, Answer, Question
from regime.models import (
    AppliedCredit,
    CreditScheme,
    KpiWeight,
    QuarterCharge,
    RegimeSettings,
    Relief,
)
from tests.factories import make_area, make_contract, make_kpi, period

QUARTER = datetime.date(2019, 6, 30)


def _label(model: type[Model]) -> str:
    return model._meta.label


# simple-history's record of each model it tracks, with the model it records.
RECORDED = {get_history_model_for_model(model): model for model in registered_models.values()}


def _decided(model: type[Model]) -> bool:
    if model in RECORDED:
        # A record of changes is written in the same save, or bulk write, as the row it records.
        return _decided(RECORDED[model])
    label = _label(model)
    return label in data_version.WATCHED or label in data_version.NOT_SHOWN


def _every_model() -> list[type[Model]]:
    # With the tables Django makes for many-to-many fields: who holds which role, for one.
    return apps.get_models(include_auto_created=True)


def test_it_has_decided_about_every_model():
    undecided = [_label(model) for model in _every_model() if not _decided(model)]
    assert not undecided, (
        f"No decision for {', '.join(undecided)}. If a contract's pages show its rows, call "
        "kpis.writes.data_version.watch(model, contracts_of) in its app's ready() and give it a "
        "VersionedQuerySet (contracts.models) as its default manager; if no page shows them, "
        "add it to NOT_SHOWN in kpis/writes/data_version.py, with the reason."
    )


def test_it_lists_as_never_shown_only_models_that_exist_and_are_not_watched():
    labels = {_label(model) for model in _every_model()}
    assert set(data_version.NOT_SHOWN) <= labels
    assert not set(data_version.NOT_SHOWN) & set(data_version.WATCHED)
    assert all(reason.strip() for reason in data_version.NOT_SHOWN.values())


# One new row of each watched model, for the contract `TEST` of the fixture `place`.
ROWS = {
    "auth.User": lambda p: get_user_model()(username="someone", first_name="Some"),
    "contracts.Contract": lambda p: p["contract"],
    "contracts.ServiceArea": lambda p: ServiceArea(contract=p["contract"], code="NEW", name="New"),
    "contracts.Extension": lambda p: Extension(
        contract=p["contract"], start_date=QUARTER, end_date=datetime.date(2021, 3, 31)
    ),
    "contracts.Budget": lambda p: Budget(
        contract=p["contract"], financial_year=2019, council_budget=1, actual_outturn=1
    ),
    "contracts.Assignment": lambda p: Assignment(contract=p["contract"], user=p["user"]),
    "kpis.Kpi": lambda p: Kpi(
        contract=p["contract"],
        service_area=p["area"],
        reference="K-2",
        description="New",
        frequency=Frequency.QUARTERLY,
        unit_id=UnitCode.PERCENT,
        direction=Direction.HIGHER,
    ),
    "kpis.QuarterlyReturn": lambda p: QuarterlyReturn(contract=p["contract"], period=p["period"]),
    "kpis.Reading": lambda p: Reading(kpi=p["kpi"], period=p["period"], value=Decimal(95)),
    "kpis.MonthlyFigure": lambda p: MonthlyFigure(
        reading=Reading.objects.get_or_create(kpi=p["kpi"], period=p["period"])[0],
        month_end=datetime.date(2019, 5, 31),
        value=Decimal(95),
    ),
    "kpis.Suspension": lambda p: Suspension(kpi=p["kpi"], first_quarter=QUARTER, reason="Why"),
    "kpis.SuspensionRequest": lambda p: SuspensionRequest(
        kpi=p["kpi"], first_quarter=QUARTER, reason="Why", requested_by=p["user"]
    ),
    "kpis.RuleChange": lambda p: RuleChange(kpi=p["kpi"], effective_from=QUARTER, reason="Why"),
    "kpis.PublishedSummary": lambda p: PublishedSummary(
        service_area=p["area"], period=p["period"], measured=1, met=1
    ),
    "kpis.Unit": lambda p: Unit(
        code="homes", label="Homes", kind=UnitKind.COUNT, contract=p["contract"]
    ),
    "kpis.ReportingPeriod": lambda p: ReportingPeriod(end_date=datetime.date(2030, 3, 31)),
    "regime.RegimeSettings": lambda p: RegimeSettings(contract=p["contract"]),
    "regime.CreditScheme": lambda p: CreditScheme(
        contract=p["contract"], effective_from=QUARTER, amount=1
    ),
    "regime.QuarterCharge": lambda p: QuarterCharge(
        contract=p["contract"], period=p["period"], amount=1
    ),
    "regime.AppliedCredit": lambda p: AppliedCredit(
        contract=p["contract"], period=p["period"], amount=1
    ),
    "regime.KpiWeight": lambda p: KpiWeight(kpi=p["kpi"], weight=1),
    "regime.Relief": lambda p: Relief(kpi=p["kpi"], period=p["period"], reason="Agreed"),
    "packs.PublishedPack": lambda p: PublishedPack(
        contract=p["contract"],
        period=p["period"],
        version=1,
        published_by=p["user"],
        published_at=timezone.now(),
        pdf=b"",
        sha256="",
        data={},
    ),
    "questions.Question": lambda p: Question(
        contract=p["contract"],
        text="How?",
        asked_by=p["user"],
        asked_at=timezone.now(),
        first_pack_quarter=QUARTER,
    ),
    "questions.Answer": lambda p: Answer(
        question=_question(p), text="Because.", answered_by=p["user"], answered_at=timezone.now()
    ),
    "questions.AgreedAction": lambda p: AgreedAction(
        question=_question(p),
        description="Report back",
        owner_name="The supplier",
        due_date=QUARTER,
        agreed_by=p["user"],
        agreed_at=timezone.now(),
    ),
    "plans.PlanSettings": lambda p: PlanSettings(contract=p["contract"]),
    "plans.Plan": lambda p: _plan(p),
    "plans.PlanAction": lambda p: PlanAction(
        plan=_plan(p, saved=True), description="Retrain", owner="Sam", due_on=QUARTER
    ),
    "evidence.Evidence": lambda p: Evidence(
        contract=p["contract"],
        kpi=p["kpi"],
        period=p["period"],
        file="TEST/kept.pdf",
        name="kept.pdf",
        kind="pdf",
        size=1,
        description="Logs",
        added_by=p["user"],
        added_at=timezone.now(),
    ),
    "notices.Breach": lambda p: Breach(
        contract=p["contract"],
        occurred_on=QUARTER,
        description="Outage",
        outcome=BreachOutcome.DAMAGES,
        recorded_at=timezone.now(),
    ),
    "notices.PerformanceNotice": lambda p: _notice(p),
    "notices.NoticeRating": lambda p: NoticeRating(
        notice=_notice(p, saved=True), kpi=p["kpi"], proposed=Rating.GOOD, rating=Rating.GOOD
    ),
}


def _notice(p, *, saved: bool = False) -> PerformanceNotice:
    notice = PerformanceNotice(
        contract=p["contract"],
        period_start=datetime.date(2019, 4, 1),
        period_end=QUARTER,
        drafted_by=p["user"],
        drafted_at=timezone.now(),
    )
    if saved:
        notice.save()
    return notice


def _question(p) -> Question:
    """A question of the test contract's, saved once for the rows that hang from it."""
    question, _ = Question.objects.get_or_create(
        contract=p["contract"],
        text="Why?",
        defaults={"asked_by": p["user"], "asked_at": timezone.now(), "first_pack_quarter": QUARTER},
    )
    return question


def _plan(p, *, saved: bool = False) -> Plan:
    plan = Plan(
        kpi=p["kpi"],
        title="Put it right",
        first_quarter=p["period"],
        last_quarter=p["period"],
        notified_on=QUARTER,
        due_on=QUARTER,
    )
    if saved:
        plan.save()
    return plan


# Django's own QuerySet, not a VersionedQuerySet: its rows are watched when saved or deleted
# one at a time, which is how anything here changes them.
SIGNALS_ONLY = {"auth.User"}
# The contract's own pages go with it: nothing is left to show stale.
NOT_DELETED = {"contracts.Contract"}


@pytest.fixture
def place(db, django_user_model):
    contract = make_contract()
    area = make_area(contract)
    return {
        "contract": contract,
        "area": area,
        "kpi": make_kpi(area),
        "period": period(str(QUARTER)),
        "user": django_user_model.objects.create_user(username="maker"),
    }


def _version() -> int:
    return Contract.objects.get(code="TEST").data_version


def _a_field(model: type[Model]) -> str:
    """A field of the row's own, other than its key: one that links to no other row if any."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return next((f.name for f in fields if not isinstance(f, ForeignKey)), fields[-1].name)


class _Moves:
    """Asserts that the block moves the test contract's version on."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> None:
        self.before = _version()

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            assert _version() > self.before, f"{self.what} left the contract's version as it was"


@pytest.fixture
def no_delete_signals(monkeypatch):
    """Deletes with no post_delete receiver at all, as a model nobody watches would have them:
    Django then deletes the rows without reading them, and sends nothing."""
    monkeypatch.setattr(post_delete, "receivers", [])
    monkeypatch.setattr(post_delete, "sender_receivers_cache", {})


@pytest.mark.parametrize("label", sorted(data_version.WATCHED))
def test_a_watched_models_rows_move_the_version_on_however_they_change(place, label, request):
    assert label in ROWS, f"Add a row of {label} to ROWS, to show that its changes are seen."
    model = apps.get_model(label)
    row = ROWS[label](place)
    field = _a_field(model)
    with _Moves(f"Saving a {label}"):
        row.save()
    if label not in SIGNALS_ONLY:
        rows = model._default_manager.filter(pk=row.pk)
        with _Moves(f"{label}'s QuerySet.update() (give it a VersionedQuerySet)"):
            assert rows.update(**{field: getattr(row, field)}) == 1
        with _Moves(f"{label}'s QuerySet.bulk_update()"):
            model._default_manager.bulk_update([row], [field])
    if label in NOT_DELETED:
        return
    with _Moves(f"Deleting a {label}"):
        row.delete()
    if label not in SIGNALS_ONLY:
        row = ROWS[label](place)
        row.save()
        request.getfixturevalue("no_delete_signals")
        with _Moves(f"{label}'s QuerySet.delete() with no signal"):
            model._default_manager.filter(pk=row.pk).delete()
        assert not model._default_manager.filter(pk=row.pk).exists()
