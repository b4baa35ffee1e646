"""Drafting a notice from approved figures, changing a rating with a justification, approval by a
second person, and the frozen notice after a restatement."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings

from contracts.roles import Role
from kpis.models import QuarterlyReturn, Reading
from kpis.permissions import ReturnLocked
from kpis.writes import saving, workflow
from notices import content, writes
from notices.choices import NoticeState, Rating
from notices.models import NoticeRating, PerformanceNotice
from notices.restatements import restated_since
from tests.conftest import _user
from tests.kpis.returns import reading_in, row_entry
from tests.notices.making import ICT_YEAR, under_act

START, END = ICT_YEAR


@pytest.fixture
def ict(seed):
    return under_act(seed["ICT"])


@pytest.fixture
def second_manager(django_user_model, seed):
    return _user(django_user_model, "manager2", Role.MANAGER, [seed["ICT"]])


def _draft(ict, manager, **kwargs):
    return writes.draft_notice(contract=ict, start=START, end=END, user=manager, **kwargs)


def _ratings(notice) -> dict[str, NoticeRating]:
    return {r.kpi.reference: r for r in notice.ratings.select_related("kpi")}


def test_it_rates_the_published_kpis_from_their_approved_quarters(ict, manager):
    notice = _draft(ict, manager)
    ratings = _ratings(notice)
    assert set(ratings) == {"1", "2", "8"}
    assert ratings["1"].proposed == Rating.REQUIRES_IMPROVEMENT
    # KPI 8, below target three quarters running, is a persistent failure.
    assert ratings["8"].proposed == Rating.INADEQUATE
    assert ratings["8"].evidence["persistent_failure"] is True
    assert [q["status"] for q in ratings["8"].evidence["quarters"]] == [
        "met",
        "below_target",
        "below_target",
        "below_target",
    ]
    # The relief of March 2019 is shown beside KPI 1's detriment, and changes no rating.
    march = ratings["1"].evidence["quarters"][-1]
    assert march["status"] == "detriment" and "mitigate" in march["relief"]
    assert notice.missing_quarters == []
    assert notice.state == NoticeState.DRAFT


def test_every_kpi_is_rated_where_none_is_published(seed, manager):
    notice = writes.draft_notice(contract=seed["ICT"], start=START, end=END, user=manager)
    assert notice.ratings.count() == seed["ICT"].kpis.count() == 19


def test_quarters_not_approved_are_never_read_and_are_named(ict, manager, officer):
    march = QuarterlyReturn.objects.get(contract=ict, period__end_date="2019-03-31")
    workflow.reopen_return(quarterly_return=march, user=manager, reason="Recount")
    notice = _draft(ict, manager)
    assert notice.missing_quarters == ["2019-03-31"]
    ratings = _ratings(notice)
    assert [q["end_date"] for q in ratings["1"].evidence["quarters"]] == [
        "2018-06-30",
        "2018-09-30",
        "2018-12-31",
    ]


def test_a_period_longer_than_twelve_months_is_refused(ict, manager):
    with pytest.raises(ValidationError) as refused:
        writes.draft_notice(contract=ict, start=START, end=datetime.date(2019, 6, 30), user=manager)
    assert "12 months at most" in str(refused.value.message_dict["period_end"])


def test_officers_and_the_committee_may_not_draft(ict, officer, committee_member):
    for user in (officer, committee_member):
        with pytest.raises(PermissionDenied):
            _draft(ict, user)


def test_a_changed_rating_needs_a_justification(ict, manager):
    notice = _draft(ict, manager)
    row = _ratings(notice)["1"]
    with pytest.raises(ValidationError) as refused:
        writes.change_rating(
            notice=notice,
            rating_id=row.pk,
            rating=Rating.APPROACHING,
            justification=" ",
            user=manager,
        )
    assert "justification" in refused.value.message_dict
    writes.change_rating(
        notice=notice,
        rating_id=row.pk,
        rating=Rating.APPROACHING,
        justification="The detriments fell in the months of relief.",
        user=manager,
    )
    row.refresh_from_db()
    assert (row.proposed, row.rating) == (Rating.REQUIRES_IMPROVEMENT, Rating.APPROACHING)
    assert row.justification == "The detriments fell in the months of relief."
    # Back to the proposal: no justification is kept.
    writes.change_rating(
        notice=notice,
        rating_id=row.pk,
        rating=Rating.REQUIRES_IMPROVEMENT,
        justification="",
        user=manager,
    )
    row.refresh_from_db()
    assert (row.rating, row.justification, row.changed_by) == (
        Rating.REQUIRES_IMPROVEMENT,
        "",
        None,
    )


def test_the_database_refuses_a_changed_rating_without_justification(ict, manager):
    row = _ratings(_draft(ict, manager))["2"]
    row.rating = Rating.GOOD
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_whoever_drafted_does_not_approve(ict, manager):
    notice = _draft(ict, manager)
    with pytest.raises(ReturnLocked, match="someone else must approve"):
        writes.approve_notice(notice=notice, user=manager)


def test_whoever_changed_a_rating_does_not_approve(ict, manager, second_manager):
    notice = _draft(ict, second_manager)
    row = _ratings(notice)["2"]
    writes.change_rating(
        notice=notice, rating_id=row.pk, rating=Rating.GOOD, justification="Reason.", user=manager
    )
    with pytest.raises(ReturnLocked):
        writes.approve_notice(notice=notice, user=manager)


@override_settings(ALLOW_SELF_APPROVAL=True)
def test_a_council_with_one_manager_may_lift_the_rule(ict, manager):
    notice = writes.approve_notice(notice=_draft(ict, manager), user=manager)
    assert notice.is_published


def test_a_second_person_approves_and_the_notice_is_frozen(ict, manager, second_manager):
    notice = writes.approve_notice(notice=_draft(ict, manager), user=second_manager)
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED
    assert notice.version == 1
    assert notice.approved_by == second_manager
    assert notice.sha256 == content.checksum(notice.stored)
    assert [k["rating"] for k in content.as_json(notice)["key_performance_indicators"]] == [
        "Requires improvement",
        "Requires improvement",
        "Inadequate",
    ]
    with pytest.raises(ValueError, match="never changes"):
        notice.save()
    with pytest.raises(ReturnLocked):
        writes.change_rating(
            notice=notice,
            rating_id=notice.ratings.all()[0].pk,
            rating=Rating.GOOD,
            justification="Too late.",
            user=manager,
        )
    # Publishing the period again is its next version.
    again = writes.approve_notice(notice=_draft(ict, manager), user=second_manager)
    assert again.version == 2


def test_approval_is_refused_when_the_figures_moved_on(ict, manager, second_manager):
    notice = _draft(ict, manager)
    march = QuarterlyReturn.objects.get(contract=ict, period__end_date="2019-03-31")
    workflow.reopen_return(quarterly_return=march, user=manager, reason="Recount")
    with pytest.raises(ValidationError, match="Draft it again"):
        writes.approve_notice(notice=notice, user=second_manager)


def test_a_published_notice_is_unchanged_by_a_restatement_shown_beside_it(
    ict, officer, manager, second_manager
):
    notice = writes.approve_notice(notice=_draft(ict, manager), user=second_manager)
    stored = (dict(notice.stored), notice.sha256)
    march = QuarterlyReturn.objects.get(contract=ict, period__end_date="2019-03-31")
    workflow.reopen_return(quarterly_return=march, user=manager, reason="Recount of KPI 8")
    reading = reading_in(march, "8")
    saving.save_return(
        quarterly_return=march, user=officer, entries=[row_entry(reading, 100, commentary="")]
    )
    # The seed's misses carry no commentary, and KPIs 5 and 6 no figure: submitting asks both.
    for kpi in ict.kpis.all():
        Reading.objects.get_or_create(kpi=kpi, period=march.period)
    Reading.objects.filter(period=march.period, commentary="").update(commentary="As printed.")
    Reading.objects.filter(
        kpi__contract=ict, period=march.period, value=None, not_measured_reason=""
    ).update(not_measured_reason="Not printed")
    workflow.submit_return(quarterly_return=march, user=officer)
    workflow.approve_return(quarterly_return=march, user=manager)

    notice = PerformanceNotice.objects.get(pk=notice.pk)
    assert (notice.content, notice.sha256) == stored
    assert content.checksum(notice.stored) == notice.sha256
    restated = restated_since(notice)
    assert [(r.reference, r.label, r.was_status, r.now_status) for r in restated] == [
        ("8", "Mar-19", "below_target", "met")
    ]
