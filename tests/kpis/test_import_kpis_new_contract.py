"""A manager sets up another council's contract in the browser, from two spreadsheets of KPI
definitions (one year's, then the next year's targets), without the admin or JSON; the statuses
then follow each year's rule."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import ServiceArea
from kpis.models import Kpi, Reading, ReportingPeriod
from kpis.rules.status import Status
from tests.conftest import PASSWORD
from tests.kpis.definition_files import to_csv

# A borough's appendix: amber is "missed by up to 10%" (below target here) and red beyond it: a
# detriment tolerance of 10% of the target, which follows the target when it changes.
YEAR_1 = [
    ("ENV-01", "Streets at an acceptable standard of cleanliness", "ENV", "Environment",
     "Quarterly", "Percentage", "Higher is better", "95", "no", "10", "", "% of target", ""),
    ("ENV-02", "Missed collections per 100,000", "ENV", "", "Monthly",
     "Number of failures", "Lower is better", "50", "no", "10", "", "% of target", ""),
    ("ENV-03", "Residual waste per household", "ENV", "", "Quarterly", "kg", "Lower is better",
     "110", "no", "10", "", "% of target", ""),
    ("HSG-01", "Days to relet a council home", "HSG", "Housing", "Quarterly", "days",
     "lower", "20", "yes", "22", "", "Figures", "Target printed as '< 20'"),
    ("HSG-02", "Households in temporary accommodation", "HSG", "Housing", "Quarterly",
     "Number of failures", "Lower is better", "", "no", "", "", "", "No target: for information"),
]  # fmt: skip
KEYS = [
    "Reference",
    "Description",
    "Service area code",
    "Service area name",
    "Frequency",
    "Unit",
    "Direction",
    "Target",
    "Strict target",
    "Detriment threshold",
    "Failure threshold",
    "Threshold basis",
    "Notes",
]
# What the page says of the template, for a contract without KPIs and one with them.
NO_KPIS = "The contract has no KPIs yet"
AS_HELD = "KPIs as held now: change what needs changing"
Q4_2023 = datetime.date(2024, 3, 31)
Q1_2024 = datetime.date(2024, 6, 30)


def _csv(rows) -> bytes:
    return to_csv([dict(zip(KEYS, r, strict=True)) for r in rows])


def _import(client, content: bytes, **answers: str):
    upload = client.post(
        "/contracts/BORO/kpis/import/", {"file": SimpleUploadedFile("boro.csv", content)}
    )
    assert upload.status_code == 200, upload.context["preview"].problems
    token = upload.context["confirm_form"]["token"].value()
    return upload, client.post("/contracts/BORO/kpis/import/confirm/", {"token": token, **answers})


def test_it_sets_up_a_contract_with_its_history_from_two_spreadsheets(client, manager):
    client.login(username="manager", password=PASSWORD)
    created = client.post(
        "/new-contract/",
        {
            "code": "BORO",
            "name": "Environmental services",
            "authority": "A London Borough",
            "supplier": "Serco Ltd",
            "start_date": "2023-04-01",
        },
    )
    assert created["Location"] == "/contracts/BORO/kpis/import/"
    assert NO_KPIS in client.get(created["Location"]).content.decode()

    # The preview of a first import says so too, from the KPIs it read (none).
    upload, done = _import(client, _csv(YEAR_1))
    assert NO_KPIS in upload.content.decode()
    assert AS_HELD not in upload.content.decode()
    assert done.status_code == 302
    assert {a.code: a.name for a in ServiceArea.objects.filter(contract__code="BORO")} == {
        "ENV": "Environment",
        "HSG": "Housing",
    }
    assert Kpi.objects.filter(contract__code="BORO").count() == 5
    assert Kpi.objects.get(contract__code="BORO", reference="ENV-03").unit.label == "Kilograms"
    relet = Kpi.objects.get(contract__code="BORO", reference="HSG-01")
    assert (relet.unit_id, relet.direction, relet.target_strict) == ("days", "lower", True)
    assert Kpi.objects.get(contract__code="BORO", reference="HSG-02").target is None

    # The next year's appendix: the cleanliness target rises to 96 (amber down to 86.4).
    year_2 = [list(r) for r in YEAR_1]
    year_2[0][7] = "96"
    upload, done = _import(
        client, _csv(year_2), reason="2024/25 targets", effective_from=Q1_2024.isoformat()
    )
    assert AS_HELD in upload.content.decode()
    assert NO_KPIS not in upload.content.decode()
    assert [r.kind for r in upload.context["preview"].rows] == [
        "changed",
        "unchanged",
        "unchanged",
        "unchanged",
        "unchanged",
    ]
    assert done.status_code == 302

    clean = Kpi.objects.prefetch_related("rule_changes").get(
        contract__code="BORO", reference="ENV-01"
    )
    assert clean.rule_for(Q4_2023).target == Decimal(95)
    assert clean.rule_for(Q1_2024).target == Decimal(96)
    # 95.5 meets 2023/24's 95 and misses 2024/25's 96 by less than 10% (amber); 86 misses
    # 2023/24's by less than 10% (down to 85.5) and 2024/25's by more (86.4: red).
    judged = {
        (Q4_2023, "95.5"): Status.MET,
        (Q1_2024, "95.5"): Status.BELOW_TARGET,
        (Q4_2023, "86"): Status.BELOW_TARGET,
        (Q1_2024, "86"): Status.DETRIMENT,
    }
    for (end, figure), status in judged.items():
        period = ReportingPeriod.objects.for_date(end)
        reading = Reading(kpi=clean, period=period, value=Decimal(figure))
        assert reading.evaluate().status == status, (end, figure)
    assert clean.history.latest().history_change_reason == "2024/25 targets"
