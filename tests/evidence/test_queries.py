"""Every page that shows evidence runs the same number of queries however many files there are:
one file, or three on every ICT KPI in the draft quarter, on the approved one and on a plan."""

import datetime

import pytest
from django.urls import reverse

from kpis.models import Kpi, ReportingPeriod
from tests.evidence.making import a_file
from tests.kpis.returns import Q3, start_return
from tests.plans.making import a_plan

MAR_19 = datetime.date(2019, 3, 31)


def _make(seed, officer, *, many: bool) -> dict:
    contract = seed["ICT"]
    draft = start_return(officer, contract)
    approved = ReportingPeriod.objects.get(end_date=MAR_19)
    kpis = list(Kpi.objects.filter(contract=contract).order_by("position", "pk"))
    plan = a_plan(kpis[0])
    for kpi in kpis if many else kpis[:1]:
        for n in range(3 if many else 1):
            a_file(officer, contract=contract, kpi=kpi, period=draft.period, name=f"d{n}.pdf")
            a_file(officer, contract=contract, kpi=kpi, period=approved, name=f"a{n}.pdf")
            a_file(officer, contract=contract, plan=plan, name=f"p{n}.pdf")
    first = a_file(officer, contract=contract, kpi=kpis[0], period=draft.period)
    return {"kpi": kpis[0], "plan": plan, "file": first}


# The session, the user, then their groups and assignments (in one query) come first on every
# page.
PAGES = {
    # Pinned with the other KPI-page counts in tests/kpis/test_views_queries.py (a committee
    # reader there, an officer here: the readings' history, draft quarters and the KPI's
    # change of target offered).
    "kpi": 12,
    # As tests/kpis/test_returns_pages.py pins it, with ICT's rows.
    "return": 12,
    # As tests/plans/test_queries.py pins it.
    "plan": 9,
    # The contract, the return, the KPI, whether the officer may attach, then the files.
    "figure_evidence": 7,
    # The contract, the plan (with its quarters' returns), then the files.
    "plan_evidence": 6,
    # The contract, the file (with its KPI, quarter or plan), the quarter's return.
    "remove": 6,
    # The contract and the file.
    "download": 5,
}


def _url(name: str, made: dict) -> str:
    kpi, plan, row = made["kpi"], made["plan"], made["file"]
    return {
        "kpi": kpi.get_absolute_url(),
        "return": reverse("return_detail", args=["ICT", Q3.isoformat()]),
        "plan": reverse("plan_detail", args=["ICT", plan.pk]),
        "figure_evidence": reverse("figure_evidence", args=["ICT", Q3.isoformat(), kpi.pk]),
        "plan_evidence": reverse("plan_evidence", args=["ICT", plan.pk]),
        "remove": reverse("evidence_remove", args=["ICT", row.pk]),
        "download": reverse("evidence_download", args=["ICT", row.pk]),
    }[name]


@pytest.mark.parametrize("many", [False, True], ids=["one-file", "three-files-a-kpi"])
@pytest.mark.parametrize(("name", "queries"), PAGES.items())
def test_the_evidence_pages_run_a_fixed_number_of_queries(
    client, seed, officer, django_assert_num_queries, many, name, queries
):
    made = _make(seed, officer, many=many)
    client.force_login(officer)
    url = _url(name, made)
    client.get("/")  # the session's first use, as on any page after signing in
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if name == "download":
        b"".join(response.streaming_content)
