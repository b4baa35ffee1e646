"""A KPI marked as one of the contract's published KPIs (section 52): in the definitions import's
own column, on the KPI's page, and in the flag of a contract with fewer than three."""

from kpis.imports.definitions.template import template_csv
from kpis.imports.definitions.write import import_definitions
from kpis.models import Kpi
from tests.kpis.definition_files import preview_of
from tests.notices.making import under_act


def test_the_definitions_import_marks_published_kpis(seed, manager):
    ict = seed["ICT"]
    lines = template_csv(ict).splitlines()
    # KPI 4's row, published: its last cell says so.
    lines = [line[: -len("no")] + "yes" if line.startswith("4,") else line for line in lines]
    preview = preview_of(ict, manager, "\r\n".join(lines).encode(), "kpis.csv")
    assert preview.ok, preview.problems
    import_definitions(preview=preview, user=manager, reason="Published under the Act")
    assert list(
        Kpi.objects.filter(contract=ict, published=True).values_list("reference", flat=True)
    ) == ["4"]


def test_the_kpi_page_says_whether_it_is_published(client, committee_member, seed):
    under_act(seed["ICT"])
    client.force_login(committee_member)
    published = Kpi.objects.get(contract=seed["ICT"], reference="8")
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Published KPI" in page and "Yes: one of the KPIs the contract publishes" in page


def test_a_contract_under_the_act_with_fewer_than_three_is_flagged(client, committee_member, seed):
    under_act(seed["ICT"], published=("1", "2"))
    client.force_login(committee_member)
    flag = "publishes 2 KPIs"
    assert flag in client.get("/contracts/ICT/").content.decode()
    assert "publishes fewer than 3 KPIs" in client.get("/").content.decode()
    under_act(seed["ICT"], published=("1", "2", "3"))
    assert flag not in client.get("/contracts/ICT/").content.decode()
