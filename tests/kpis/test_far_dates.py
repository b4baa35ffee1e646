"""Dates far from today or outside the contract's term are refused on every path, with one rule
(contracts.dates): a change of target from 9999-12-31 (which would change the KPI's headline
target now), a suspension from year 1, a contract starting in 9999. The rule itself is tested in
tests/contracts/test_dates.py.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from contracts.dates import YEARS_FROM_TODAY
from contracts.models import Contract
from kpis.models import Kpi, RuleChange, Suspension, SuspensionRequest
from kpis.writes import decisions, opening
from kpis.writes.contract_setup import create_contract
from tests.admin_forms import form_data
from tests.factories import make_area, make_contract, make_kpi
from tests.kpis.definition_files import rows_of, to_csv

FAR_AHEAD = datetime.date(9999, 12, 31)
YEAR_ONE = datetime.date(1, 6, 30)
OPEN_QUARTER = datetime.date(2019, 12, 31)
TOO_FAR = f"this one is more than {YEARS_FROM_TODAY} years from today"


@pytest.fixture
def kpi(seed) -> Kpi:
    return Kpi.objects.get(contract=seed["ICT"], reference="3")


def _change_rule(kpi, user, effective_from):
    return decisions.change_rule(
        kpi=kpi,
        effective_from=effective_from,
        target=Decimal(95),
        target_strict=False,
        detriment=None,
        failure=None,
        reason="Renegotiated",
        user=user,
    )


def _headline_unchanged(kpi) -> bool:
    kpi.refresh_from_db()
    return kpi.target == Decimal(90) and not RuleChange.objects.filter(kpi=kpi).exists()


# A change of target or thresholds


def test_the_rule_page_refuses_a_quarter_far_ahead(client, manager, kpi):
    client.force_login(manager)
    data = {
        "effective_from": FAR_AHEAD.isoformat(),
        "target": "95",
        "threshold_basis": "absolute",
        "reason": "Renegotiated",
    }
    response = client.post(f"/contracts/ICT/kpis/{kpi.pk}/rule/", data)
    assert response.status_code == 200
    # The page offers quarters from a list; a far quarter sent anyway is not one of them.
    assert "Choose a quarter from the list" in response.content.decode()
    assert (
        FAR_AHEAD.isoformat()
        not in client.get(f"/contracts/ICT/kpis/{kpi.pk}/rule/").content.decode()
    )
    assert _headline_unchanged(kpi)


@pytest.mark.parametrize("effective_from", [FAR_AHEAD, datetime.date(2009, 6, 30)])
def test_the_service_refuses_a_quarter_far_ahead_or_before_the_contract(
    manager, kpi, effective_from
):
    # ICT started on 1 October 2009: its first quarter ends on 31 December.
    with pytest.raises(ValidationError) as refused:
        _change_rule(kpi, manager, effective_from)
    assert "effective_from" in refused.value.message_dict
    assert _headline_unchanged(kpi)


def test_the_service_refuses_a_quarter_after_the_contract_ends(seed, manager):
    contract = make_contract(
        "ENDED", start_date=datetime.date(2015, 4, 1), end_date=datetime.date(2020, 3, 31)
    )
    contract.extensions.create(
        start_date=datetime.date(2020, 4, 1), end_date=datetime.date(2021, 3, 31)
    )
    kpi = make_kpi(make_area(contract))
    contract.assignments.create(user=manager)
    with pytest.raises(ValidationError) as refused:
        _change_rule(kpi, manager, datetime.date(2021, 6, 30))
    assert refused.value.message_dict["effective_from"] == [
        "That quarter begins after the contract ends (31 March 2021)."
    ]
    # The extension's last quarter is still the contract's.
    _change_rule(kpi, manager, datetime.date(2021, 3, 31))


def test_the_admin_refuses_a_quarter_far_ahead(client, admin_user, kpi):
    client.force_login(admin_user)
    url = f"/admin/kpis/kpi/{kpi.pk}/change/"
    data = form_data(
        client, url, target="95", rules_from=FAR_AHEAD.isoformat(), change_reason="Renegotiated"
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert TOO_FAR in response.content.decode()
    assert _headline_unchanged(kpi)


def test_the_definitions_command_refuses_a_quarter_far_ahead(manager, seed, kpi, tmp_path):
    rows = rows_of(seed["ICT"])
    rows[2]["Target"] = "95"
    path = tmp_path / "ict.csv"
    path.write_bytes(to_csv(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_kpis",
            str(path),
            "--contract=ICT",
            "--user=manager",
            "--reason=Renegotiated",
            f"--effective-from={FAR_AHEAD.isoformat()}",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "--effective-from: Enter a date between" in err.getvalue()
    assert _headline_unchanged(kpi)


# Suspensions and requests for them


@pytest.fixture
def draft(officer, seed):
    return opening.open_return(contract=seed["PSSP"], end_date=OPEN_QUARTER, user=officer)


@pytest.mark.parametrize("who", ["manager", "officer"])
def test_the_suspension_page_refuses_year_one(client, officer, manager, draft, who):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    client.force_login(manager if who == "manager" else officer)
    data = {"kpi": kpi.pk, "first_quarter": "0001-06-30", "reason": "System replaced"}
    response = client.post("/contracts/PSSP/returns/2019-12-31/suspensions/new/", data)
    assert response.status_code == 200
    # Quarters are chosen from a list: year one is not on it.
    assert "Choose a quarter from the list" in response.content.decode()
    assert not Suspension.objects.filter(kpi=kpi, reason="System replaced").exists()
    assert not SuspensionRequest.objects.exists()


@pytest.mark.parametrize(
    ("first", "last", "field", "words"),
    [
        (YEAR_ONE, None, "first_quarter", TOO_FAR),
        (OPEN_QUARTER, FAR_AHEAD, "last_quarter", TOO_FAR),
        # PSSP started on 28 November 2011.
        (datetime.date(2011, 9, 30), None, "first_quarter", "ends before the contract started"),
    ],
)
def test_the_services_refuse_a_suspension_far_off_or_before_the_contract(
    officer, manager, draft, first, last, field, words
):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    span = {"kpi": kpi, "first_quarter": first, "last_quarter": last, "reason": "Replaced"}
    with pytest.raises(ValidationError) as refused:
        decisions.record_suspension(**span, user=manager)
    assert words in refused.value.message_dict[field][0]
    with pytest.raises(ValidationError) as refused:
        decisions.ask_for_suspension(**span, user=officer, quarterly_return=draft)
    assert words in refused.value.message_dict[field][0]
    assert not Suspension.objects.filter(kpi=kpi, reason="Replaced").exists()
    assert not SuspensionRequest.objects.exists()


def test_the_admin_refuses_a_suspension_in_year_one(client, admin_user, draft):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    client.force_login(admin_user)
    url = "/admin/kpis/suspension/add/"
    data = form_data(
        client,
        url,
        kpi=str(kpi.pk),
        first_quarter="0001-06-30",
        reason="System replaced",
        change_reason="Agreed",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert TOO_FAR in response.content.decode()
    assert not Suspension.objects.filter(reason="System replaced").exists()


# A contract


def test_the_new_contract_page_refuses_a_start_in_9999(client, manager):
    client.force_login(manager)
    data = {
        "code": "BORO",
        "name": "Borough services",
        "authority": "Borough Council",
        "supplier": "Supplier Ltd",
        "start_date": "9999-01-01",
    }
    response = client.post("/new-contract/", data)
    assert response.status_code == 400
    assert TOO_FAR in response.content.decode()
    assert not Contract.objects.filter(code="BORO").exists()


def test_the_service_refuses_a_contract_starting_in_9999(manager, seed):
    with pytest.raises(ValidationError) as refused:
        create_contract(
            user=manager,
            code="BORO",
            name="Borough services",
            authority="Borough Council",
            supplier="Supplier Ltd",
            start_date=datetime.date(9999, 1, 1),
        )
    assert TOO_FAR in refused.value.message_dict["start_date"][0]
    assert not Contract.objects.filter(code="BORO").exists()


def test_the_admin_refuses_a_contract_starting_in_9999(client, admin_user, seed):
    client.force_login(admin_user)
    url = "/admin/contracts/contract/add/"
    data = form_data(
        client,
        url,
        code="BORO",
        name="Borough services",
        authority="Borough Council",
        supplier="Supplier Ltd",
        start_date="9999-01-01",
        change_reason="New contract",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert TOO_FAR in response.content.decode()
    assert not Contract.objects.filter(code="BORO").exists()
