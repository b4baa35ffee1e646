import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import roles
from kpis.choices import Direction, Frequency, ReturnState, UnitCode
from kpis.models import Kpi, MonthlyFigure, QuarterlyReturn, Reading
from kpis.writes import opening
from tests.conftest import _user
from tests.kpis.growth import add_monthly_kpis, with_months, write_months
from tests.kpis.monthly import month_fields

Q3 = datetime.date(2019, 12, 31)
URL = "/contracts/{code}/returns/2019-12-31/"


def _open(user, contract) -> QuarterlyReturn:
    return opening.open_return(contract=contract, end_date=Q3, user=user)


def _form_data(quarterly_return: QuarterlyReturn, **changes: dict) -> dict[str, str]:
    """What the page would post unchanged (months too), with `changes` by KPI reference applied."""
    data = {}
    readings = (
        Reading.objects.filter(
            kpi__contract=quarterly_return.contract, period=quarterly_return.period
        )
        .select_related("kpi", "period")
        .prefetch_related("months")
    )
    for reading in readings:
        prefix = f"kpi-{reading.kpi_id}-"
        row = {
            "version": str(reading.version),
            "value": "" if reading.value is None else f"{reading.value.normalize():f}",
            "not_measured_reason": reading.not_measured_reason,
            "commentary": reading.commentary,
        }
        row.update(month_fields(reading))
        row.update(changes.get(reading.kpi.reference, {}))
        data.update({prefix + name: value for name, value in row.items()})
    return data


def _kpi_id(contract, reference: str) -> int:
    return Kpi.objects.get(contract=contract, reference=reference).pk


def test_it_lists_every_kpi_grouped_by_area_with_due_ones_first(client, officer, seed):
    _open(officer, seed["PSSP"])
    client.force_login(officer)
    html = client.get(URL.format(code="PSSP")).content.decode()
    references = re.findall(r'<h3 class="govuk-fieldset__heading">([^:]+):', html)
    assert len(references) == 22
    # FS-K-002 is annual: not due in the December quarter, so it comes last in its area.
    fss = [r for r in references if r.startswith("FS-")]
    assert fss[-1] == "FS-K-002"
    assert "Not due this quarter (annual)" in html
    assert "Additional time is required to populate the Customer Relationship System." in html


def test_it_shows_each_error_linked_to_its_field_and_keeps_what_was_typed(client, officer, seed):
    quarterly_return = _open(officer, seed["PSSP"])
    client.force_login(officer)
    good, bad = _kpi_id(seed["PSSP"], "R&B-K-009a"), _kpi_id(seed["PSSP"], "FS-K-002")
    data = _form_data(
        quarterly_return,
        **{"R&B-K-009a": {"value": "99.5"}, "FS-K-002": {"value": "12o"}},
    )
    response = client.post(URL.format(code="PSSP"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert f'<a href="#id_kpi-{bad}-value">FS-K-002: Enter a number, like 95 or 2.5</a>' in html
    assert f'id="id_kpi-{bad}-value" name="kpi-{bad}-value" type="text"' in html
    assert 'value="12o"' in html and 'value="99.5"' in html
    assert "<title>Error:" in html
    # The good figure is kept; the banner says what was saved and what was not.
    assert "Saved: 1 KPI changed. 1 KPI was not saved: correct it below" in html
    assert Reading.objects.get(kpi_id=good, period__end_date=Q3).value == Decimal("99.5")


def test_a_box_holding_only_spaces_is_empty(client, officer, seed):
    quarterly_return = _open(officer, seed["PSSP"])
    client.force_login(officer)
    kpi = _kpi_id(seed["PSSP"], "R&B-K-009a")
    data = _form_data(
        quarterly_return, **{"R&B-K-009a": {"value": "   ", "not_measured_reason": "No survey"}}
    )
    assert client.post(URL.format(code="PSSP"), data).status_code == 302
    reading = Reading.objects.get(kpi_id=kpi, period__end_date=Q3)
    assert (reading.value, reading.not_measured_reason) == (None, "No survey")


@pytest.mark.parametrize(
    ("reference", "typed", "message"),
    [
        ("R&B-K-009a", "101", "A percentage must be between 0 and 100."),
        ("1", "1.5", "A number of failures must be a whole number, 0 or more."),
        ("1", "-1", "A number of failures must be a whole number, 0 or more."),
        ("R&B-K-009a", "1e-9", "Enter a number with no more than 4 decimal places"),
    ],
)
def test_it_refuses_figures_outside_the_kpis_unit(client, officer, seed, reference, typed, message):
    contract = seed["ICT"] if reference == "1" else seed["PSSP"]
    quarterly_return = _open(officer, contract)
    client.force_login(officer)
    data = _form_data(quarterly_return, **{reference: {"value": typed}})
    html = client.post(URL.format(code=contract.code), data).content.decode()
    assert escape(f"{reference}: {message}") in html
    assert not Reading.objects.filter(period__end_date=Q3, value__isnull=False).exists()


def test_it_saves_and_shows_the_status(client, officer, seed):
    quarterly_return = _open(officer, seed["ICT"])
    client.force_login(officer)
    data = _form_data(quarterly_return, **{"1": {"value": "0"}, "2": {"value": "5"}})
    response = client.post(URL.format(code="ICT"), data, follow=True)
    html = response.content.decode()
    assert "Saved: 2 KPIs changed." in html
    # A missed target's commentary is a to-do before submitting, not a reason to lose the save.
    assert "Explain why the target was missed" in html
    assert '<strong class="app-status app-status--met">Met</strong>' in html
    assert '<strong class="app-status app-status--failure">Failure</strong>' in html


def test_the_second_of_two_sessions_sees_the_others_values_and_decides(officer, manager, seed):
    quarterly_return = _open(officer, seed["PSSP"])
    first, second = Client(), Client()
    first.force_login(manager)
    second.force_login(officer)
    kpi_id = _kpi_id(seed["PSSP"], "R&B-K-009a")
    seen = _form_data(quarterly_return)
    first_data = {**seen, f"kpi-{kpi_id}-value": "97"}
    assert first.post(URL.format(code="PSSP"), first_data).status_code == 302
    second_data = {**seen, f"kpi-{kpi_id}-value": "96"}
    response = second.post(URL.format(code="PSSP"), second_data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Nothing was saved: someone else changed this return" in html
    assert "figure 97%" in html and 'value="96"' in html
    assert Reading.objects.get(kpi_id=kpi_id, period__end_date=Q3).value == Decimal(97)
    # The page now carries the current version, so saving again keeps the officer's figure.
    version = re.search(rf'name="kpi-{kpi_id}-version" value="(\d+)"', html).group(1)
    assert version == "2"
    second_data[f"kpi-{kpi_id}-version"] = version
    assert second.post(URL.format(code="PSSP"), second_data).status_code == 302
    assert Reading.objects.get(kpi_id=kpi_id, period__end_date=Q3).value == Decimal(96)


def test_it_refuses_an_edit_to_an_approved_return(client, manager, seed):
    quarterly_return = _open(manager, seed["PSSP"])
    data = _form_data(quarterly_return, **{"R&B-K-009a": {"value": "50"}})
    QuarterlyReturn.objects.filter(pk=quarterly_return.pk).update(state=ReturnState.APPROVED)
    client.force_login(manager)
    response = client.post(URL.format(code="PSSP"), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "approved and is locked" in html
    # What was typed comes back, in a form that cannot be sent.
    assert '<fieldset class="govuk-fieldset" disabled>' in html
    assert 'value="50"' in html.split("can no longer be sent")[1]
    assert 'name="action"' not in html
    assert not Reading.objects.filter(period__end_date=Q3, value__isnull=False).exists()


def test_it_submits_then_the_manager_approves(client, officer, manager, seed):
    quarterly_return = _open(officer, seed["ICT"])
    client.force_login(officer)
    changes = {
        kpi.reference: {"value": "0" if kpi.direction == Direction.LOWER else "100"}
        for kpi in Kpi.objects.for_contract(seed["ICT"])
    }
    data = _form_data(quarterly_return, **changes)
    response = client.post(URL.format(code="ICT"), {**data, "action": "submit"}, follow=True)
    html = response.content.decode()
    # Check your answers: every figure as saved, then submit.
    assert "Check your answers before submitting" in html
    assert html.count("app-status--met") == 17
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.DRAFT
    response = client.post(URL.format(code="ICT") + "check/", follow=True)
    assert "submitted for approval" in response.content.decode()
    client.force_login(manager)
    data = _form_data(quarterly_return)
    # Approving locks the quarter: the first press asks, and changes nothing.
    asked = client.post(URL.format(code="ICT"), {**data, "action": "approve"})
    assert "Approve and lock the return for 2019/20 Q3" in asked.content.decode()
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.SUBMITTED
    response = client.post(
        URL.format(code="ICT"), {**data, "action": "approve", "confirm": "yes"}, follow=True
    )
    assert "approved and is now locked" in response.content.decode()
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.APPROVED
    assert quarterly_return.approved_by == manager


def test_submitting_an_incomplete_return_saves_the_figures_and_says_what_is_left(
    client, officer, seed
):
    quarterly_return = _open(officer, seed["ICT"])
    client.force_login(officer)
    data = _form_data(quarterly_return, **{"1": {"value": "0"}})
    response = client.post(URL.format(code="ICT"), {**data, "action": "submit"})
    html = response.content.decode()
    assert "cannot be submitted until these are done" in html
    # Every ICT KPI is monthly: the officer is sent to the first month's box, not to the
    # quarter's own, which is for quarters whose months were never reported.
    two = _kpi_id(seed["ICT"], "2")
    message = "Enter a figure for each month, or say why it was not measured"
    assert f'<a href="#id_kpi-{two}-m1_value">2, October 2019: {message}</a>' in html
    assert Reading.objects.get(kpi__reference="1", period__end_date=Q3).value == 0
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.DRAFT


def test_my_returns_tells_the_committee_who_enters_returns(
    client, committee_member, django_user_model, seed
):
    client.force_login(committee_member)
    html = client.get("/returns/").content.decode()
    assert "Quarterly returns are entered by the council\u2019s contract officers" in html
    assert "no contracts assigned" not in html
    unassigned = _user(django_user_model, "new-officer", roles.Role.OFFICER)
    client.force_login(unassigned)
    html = client.get("/returns/").content.decode()
    assert "You have no contracts assigned to you" in html


def test_my_returns_shows_what_is_due(client, officer, seed):
    _open(officer, seed["PSSP"])
    client.force_login(officer)
    html = client.get("/returns/").content.decode()
    assert "2019/20 Q3 (to 31 December 2019)" in html
    assert "Overdue</strong>" in html
    assert "Not started" in html  # ICT has no return for the quarter yet


def _bigger(contract, n: int) -> None:
    area = contract.service_areas.first()
    Kpi.objects.bulk_create(
        Kpi(
            contract=contract,
            service_area=area,
            reference=f"EXTRA-{i}",
            description="Extra",
            frequency=Frequency.QUARTERLY,
            unit_id=UnitCode.DAYS,
            direction=Direction.LOWER,
            target=Decimal(5),
        )
        for i in range(n)
    )


@pytest.mark.parametrize("extra", [0, 15])
def test_the_return_page_takes_the_same_queries_at_any_size(
    client, officer, seed, extra, django_assert_num_queries
):
    contract = seed["PSSP"]
    # Monthly KPIs of every roll-up rule (one collected as parts) at both sizes, five more at
    # the larger, and three months beneath every monthly KPI's row of the quarter.
    with_months(contract)
    _bigger(contract, extra)
    if extra:
        add_monthly_kpis(contract)
    quarterly_return = _open(officer, contract)
    write_months(contract)
    monthly = Kpi.objects.filter(contract=contract, frequency=Frequency.MONTHLY).count()
    client.force_login(officer)
    # The page: with the contract's pending suspension requests, asked by its officers, and the
    # months beneath every reading in one query (kpis/pages/returns_rows.py), and whether the
    # draft holds anything yet (it may be discarded only while it holds nothing), and the files
    # of evidence behind every row's figure, in one query (evidence/hooks.py). The KPIs'
    # suspensions and changes of rule are read together (kpis/reads/contract_tables.py).
    with django_assert_num_queries(12):
        response = client.get(URL.format(code="PSSP"))
    html = response.content.decode()
    # A fieldset a row: the seed's 22, five monthly KPIs, and the larger size's extras.
    assert html.count('class="govuk-fieldset"') == 27 + extra + (5 if extra else 0)
    # Every monthly row shows its months as saved: December's figure, or its parts.
    assert html.count("December 2019</h4>") == monthly
    ratio = Kpi.objects.get(contract=contract, reference="MONTHLY-ratio-1")
    assert re.search(f'name="kpi-{ratio.pk}-m3_numerator"[^>]* value="95"', html)
    data = _form_data(quarterly_return, **{"R&B-K-009a": {"value": "x"}})
    # The page, and the draft save of the other rows (which finds nothing changed), after
    # locking the contract's row, then the return's (kpis/writes/locks.py); the page and the
    # save each read the readings' months in one query (the save reads no suspensions or
    # changes of rule: it judges no figure); the page shown again reads the files of evidence
    # behind its rows, in one query.
    months = list(MonthlyFigure.objects.filter(reading__period=quarterly_return.period).values())
    with django_assert_num_queries(18):
        assert client.post(URL.format(code="PSSP"), data).status_code == 200
    assert list(MonthlyFigure.objects.filter(reading__period=quarterly_return.period).values()) == (
        months
    )


@pytest.mark.parametrize("extra", [0, 15])
def test_my_returns_takes_the_same_queries_at_any_size(
    client, officer, seed, extra, django_assert_num_queries
):
    with_months(seed["PSSP"])
    _bigger(seed["PSSP"], extra)
    if extra:
        add_monthly_kpis(seed["PSSP"])
    _open(officer, seed["PSSP"])
    write_months(seed["PSSP"])
    client.force_login(officer)
    with django_assert_num_queries(6):
        assert client.get("/returns/").status_code == 200


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30
) | st.sampled_from(["", "NaN", "Infinity", "-0", "1e999999", "95%", "1,000", "0x10", " 5 "])


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=_TEXT, reason=_TEXT, commentary=_TEXT, target=_TEXT, version=_TEXT)
def test_no_input_makes_the_return_page_fail(
    manager_client, value, reason, commentary, target, version
):
    client, kpi_id = manager_client
    data = {
        f"kpi-{kpi_id}-value": value,
        f"kpi-{kpi_id}-not_measured_reason": reason,
        f"kpi-{kpi_id}-commentary": commentary,
        f"kpi-{kpi_id}-target_override": target,
        f"kpi-{kpi_id}-version": version,
    }
    response = client.post(URL.format(code="ICT"), data)
    assert response.status_code in (200, 302, 409)


@pytest.fixture
def manager_client(manager, seed):
    _open(manager, seed["ICT"])
    client = Client()
    client.force_login(manager)
    return client, _kpi_id(seed["ICT"], "1")


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_return_page_works_out_the_users_part_once(client, officer, seed, monkeypatch, method):
    # The page asks the permission table many times (the actions offered, each row, the
    # requests): the officer's part in the contract is worked out once for all of them.
    quarterly_return = _open(officer, seed["PSSP"])
    worked_out = []
    real = roles._work_out_part

    def counted(user, contract_id):
        worked_out.append(contract_id)
        return real(user, contract_id)

    monkeypatch.setattr(roles, "_work_out_part", counted)
    client.force_login(officer)
    # A figure refused: the save is tried, then the page shown again with the refusal.
    data = (
        _form_data(quarterly_return, **{"R&B-K-009a": {"value": "x"}}) if method == "post" else None
    )
    response = getattr(client, method)(URL.format(code="PSSP"), data)
    assert response.status_code == 200
    assert worked_out == [seed["PSSP"].pk]
