"""The regime as open data: service failures and credits of approved quarters, with fixed
headers, the same rows as the API."""

import csv
import io

from django.core.management import call_command

FAILURES = (
    # month_end was added at the end (credits by the month), as the interface allows.
    "contract,kpi_reference,quarter_end,reason,quarters,weight,relieved,relief_reason,month_end"
)
CREDITS = (
    "contract,quarter_end,financial_year,quarter,service_failures,relieved,credit_due,problem,"
    "capped_by,credit_applied,due_but_not_applied,persistent_failures"
)


def _download(client, user, url: str) -> list[dict]:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_it_publishes_the_service_failures(client, seed, committee_member):
    out = io.StringIO()
    call_command("export_regime_open_data", "failures", stdout=out)
    # A published interface: a change of header breaks every script that reads the file.
    assert out.getvalue().splitlines()[0] == FAILURES, "The published interface changed."
    rows = _download(client, committee_member, "/open-data/service-failures.csv")
    # ICT's one failure in its approved quarters: KPI 11 in Jun-19 (38 against a threshold of 42).
    assert rows == [
        {
            "contract": "ICT",
            "kpi_reference": "11",
            "quarter_end": "2019-06-30",
            "reason": "failure",
            "quarters": "2019-06-30",
            "weight": "1",
            "relieved": "no",
            "relief_reason": "",
            "month_end": "",
        }
    ]


def test_it_publishes_the_credits_quarter_by_quarter(client, seed, committee_member):
    out = io.StringIO()
    call_command("export_regime_open_data", "credits", stdout=out)
    assert out.getvalue().splitlines()[0] == CREDITS, "The published interface changed."
    rows = _download(client, committee_member, "/open-data/service-credits.csv")
    assert {r["contract"] for r in rows} == {"ICT", "PSSP"}
    assert len(rows) == 12  # six approved quarters each
    pssp = [r for r in rows if r["contract"] == "PSSP" and r["financial_year"] == "2018"]
    assert [r["service_failures"] for r in pssp] == ["0", "0", "0", "0"]
    ict_mar_19 = next(r for r in rows if (r["contract"], r["quarter_end"]) == ("ICT", "2019-03-31"))
    assert ict_mar_19["persistent_failures"] == "8"
    api = client.get("/api/v1/contracts/ICT/credits/").json()["results"]
    assert len(api) == len([r for r in rows if r["contract"] == "ICT"])
