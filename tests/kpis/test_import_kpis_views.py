"""The definitions import in the browser: who may use it, template, upload and preview, and
confirmation with a reason and, for new targets, the quarter they apply from."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kpis.models import Kpi
from kpis.models.period import quarter_end_for
from kpis.pages.forms import quarter_options
from tests.conftest import PASSWORD
from tests.kpis.definition_files import definitions_state, edit_xlsx, row, rows_of, to_csv

UPLOAD = "/contracts/ICT/kpis/import/"
TEMPLATE = "/contracts/ICT/kpis/import/template/"
CONFIRM = "/contracts/ICT/kpis/import/confirm/"


@pytest.fixture
def ict(seed):
    return seed["ICT"]


@pytest.fixture
def as_manager(client, manager):
    client.login(username="manager", password=PASSWORD)
    return client


def _upload(client, content: bytes, name: str = "ict-kpis.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def test_it_is_offered_on_the_contract_page_to_its_managers(as_manager):
    assert f'href="{UPLOAD}"' in as_manager.get("/contracts/ICT/").content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("officer", 403), ("committee", 403), ("outsider", 404)]
)
def test_it_keeps_out_those_who_cannot_define_kpis(
    client, officer, committee_member, outsider, who, status
):
    client.login(username=who, password=PASSWORD)
    assert client.get(UPLOAD).status_code == status
    assert client.get(TEMPLATE, {"format": "csv"}).status_code == status
    assert _upload(client, to_csv([row()])).status_code == status
    assert client.post(CONFIRM, {"token": "x"}).status_code == status
    assert f'href="{UPLOAD}"' not in client.get("/contracts/ICT/").content.decode()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, seed):
    assert client.get(UPLOAD).status_code == 302


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_downloads_the_template(as_manager, fmt):
    response = as_manager.get(TEMPLATE, {"format": fmt})
    assert response.status_code == 200
    assert 'filename="ICT-kpis.' + fmt in response["Content-Disposition"]


def test_it_says_what_is_wrong_with_a_template_request(as_manager):
    response = as_manager.get(TEMPLATE, {"format": "pdf"})
    assert response.status_code == 400
    assert 'href="#template_format"' in response.content.decode()


def test_it_previews_then_imports_a_new_kpi_and_area(as_manager, manager):
    response = _upload(as_manager, to_csv([row(reference="W-1")]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "New service area: NEW (New area)" in page
    assert "Not in the file, and left as they are: 1, 2, 3" in page
    assert "Why are the KPIs changing?" not in page, "adding KPIs changes none held"
    token = response.context["confirm_form"]["token"].value()
    assert not Kpi.objects.filter(reference="W-1").exists(), "nothing is saved before confirming"
    response = as_manager.post(CONFIRM, {"token": token})
    assert response.status_code == 302
    assert response["Location"] == "/contracts/ICT/"
    kpi = Kpi.objects.get(contract__code="ICT", reference="W-1")
    assert kpi.history.latest().history_user == manager
    # The same confirmation again finds nothing pending.
    assert as_manager.post(CONFIRM, {"token": token}).status_code == 302
    assert Kpi.objects.filter(reference="W-1").count() == 1


def test_it_shows_each_problem_beside_its_cell_and_keeps_nothing(as_manager):
    before = definitions_state()
    response = _upload(as_manager, to_csv([row(target="ninety")]))
    page = response.content.decode()
    assert response.status_code == 400
    assert "The file cannot be imported: nothing was changed" in page
    assert 'href="#line-2"' in page
    assert "<strong>Target</strong> (“ninety”): &#x27;ninety&#x27; is not a number" in page
    assert response.context["confirm_form"] is None
    assert definitions_state() == before


def test_it_asks_for_a_reason_and_a_quarter_when_targets_change(as_manager, ict):
    changes = {
        ("3", "Target"): 88,
        ("3", "Detriment threshold"): 85,
        ("3", "Failure threshold"): 80,
    }
    response = _upload(as_manager, edit_xlsx(ict, changes), "ict.xlsx")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Target</strong>: 90 to 88" in page
    assert "From which quarter do the new targets and thresholds apply?" in page
    token = response.context["confirm_form"]["token"].value()
    response = as_manager.post(CONFIRM, {"token": token, "reason": "", "effective_from": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#confirm_reason"' in page and 'href="#confirm_effective_from"' in page
    # A quarter already approved is refused beside the choice, and nothing is written.
    response = as_manager.post(
        CONFIRM, {"token": token, "reason": "Renegotiated", "effective_from": "2019-09-30"}
    )
    assert response.status_code == 400
    assert "approved and locked" in response.content.decode()
    assert Kpi.objects.get(contract__code="ICT", reference="3").target == Decimal(90)
    response = as_manager.post(
        CONFIRM, {"token": token, "reason": "Renegotiated", "effective_from": "2019-12-31"}
    )
    assert response.status_code == 302
    kpi = Kpi.objects.get(contract__code="ICT", reference="3")
    assert (kpi.target, kpi.detriment, kpi.failure) == (Decimal(88), Decimal(85), Decimal(80))
    assert kpi.rule_changes.get().effective_from == datetime.date(2019, 12, 31)


def test_it_refuses_a_confirmation_when_the_kpis_changed_meanwhile(as_manager, ict):
    rows = rows_of(ict)
    rows[0]["Notes"] = "From the file"
    response = _upload(as_manager, to_csv(rows))
    token = response.context["confirm_form"]["token"].value()
    Kpi.objects.filter(contract__code="ICT", reference="1").update(notes="Typed meanwhile")
    response = as_manager.post(CONFIRM, {"token": token, "reason": "Notes"})
    assert response.status_code == 409
    assert "changed the contract" in response.content.decode()
    assert Kpi.objects.get(contract__code="ICT", reference="1").notes == "Typed meanwhile"


def test_it_lists_ended_quarters_most_recent_first(seed):
    choices = quarter_options(seed["ICT"], datetime.date(2020, 2, 10))
    assert choices[0] == ("", "Choose a quarter")
    assert [value for value, _ in choices[1:4]] == ["2019-12-31", "2019-09-30", "2019-06-30"]
    # Back to the contract's start (ICT's was in 2009), then the quarter under way.
    assert seed["ICT"].start_date.year == 2009
    assert choices[-2][0] == quarter_end_for(seed["ICT"].start_date).isoformat()
    assert choices[-1] == ("2020-03-31", "2019/20 Q4 (to 31 March 2020), under way")


@pytest.mark.parametrize("grown", [False, True], ids=["seed", "plus-more-kpis"])
def test_it_runs_a_fixed_number_of_queries(as_manager, ict, django_assert_num_queries, grown):
    if grown:
        content = to_csv([row(reference=f"W-{n}") for n in range(30)])
        _upload(as_manager, content)
        as_manager.post(
            CONFIRM, {"token": as_manager.session["kpi-definition-imports"].popitem()[0]}
        )
    # Session, user, groups with assignments (one query), contract; the page asks whether the
    # contract has KPIs.
    with django_assert_num_queries(5):
        assert as_manager.get(UPLOAD).status_code == 200
    content = to_csv(rows_of(ict))
    # The template: the same four, then the contract's units and its KPIs with their areas.
    with django_assert_num_queries(6):
        assert as_manager.get(TEMPLATE, {"format": "xlsx"}).status_code == 200
    # The preview adds the KPIs, service areas, units and KPIs judged in approved quarters, and
    # the file kept in the session (three: the write and its savepoint), and the contract's
    # extensions, read once to check each KPI's life span against the contract's term; the KPIs
    # it read tell the page whether the contract has any.
    with django_assert_num_queries(12):
        assert _upload(as_manager, content).status_code == 200
