"""Exceptions that explain: the scorecard lists every missed target with its commentary and a
link to its KPI, marks a restated figure, and the pack says in one line where the supplier's
published counts differ from the figures held, and why."""

from kpis.models import Reading
from tests.packs.test_restatements import Q4_18, restated  # noqa: F401 (a fixture)


def _page(client, url: str) -> str:
    return client.get(url).content.decode()


def test_the_scorecard_lists_every_miss_with_its_commentary_and_kpi(client, committee_member, seed):
    Reading.objects.filter(
        kpi__contract=seed["PSSP"], kpi__reference="R&B-K-009", period__end_date="2018-12-31"
    ).update(commentary="Enforcement officers were redeployed in the autumn.")
    client.force_login(committee_member)
    html = _page(client, "/contracts/PSSP/?quarter=2018-12-31")
    misses = html[html.index('id="misses"') : html.index("Suspended, not measured or missing")]
    row = misses[misses.index("R&amp;B-K-009</a>") :]
    row = row[: row.index("</tr>")]
    assert "Dec-18" in row and "2.39%" in row and "target ≥ 14%" in row
    assert "Below target" in row
    assert "Enforcement officers were redeployed in the autumn." in row
    assert 'href="/contracts/PSSP/kpis/' in misses
    # The count of misses leads to them.
    assert '<a class="govuk-link" href="#misses">1 missed</a>' in html
    assert 'href="/contracts/PSSP/reported/"' in html


def test_a_restated_miss_is_marked_on_the_scorecard_and_in_the_pack(
    client,
    committee_member,
    restated,  # noqa: F811
):
    client.force_login(committee_member)
    summary = (
        "Published as 8% (below target) in version 1 of the Mar-19 pack; now 12% (below target)."
    )
    scorecard = _page(client, "/contracts/PSSP/?year=2018")
    misses = scorecard[scorecard.index('id="misses"') :]
    assert summary in misses and 'href="/contracts/PSSP/restatements/"' in misses
    pack = _page(client, f"/contracts/PSSP/pack/{Q4_18}/")
    exceptions = pack[pack.index("2. Exceptions") : pack.index("3. KPI performance")]
    assert f"<strong>Restated</strong>: {summary}" in exceptions


def test_the_pack_says_why_the_suppliers_counts_differ(client, committee_member, seed):
    client.force_login(committee_member)
    pack = _page(client, f"/contracts/PSSP/pack/{Q4_18}/")
    # Table 4.3 counts Shared Transactional Services at 9 of 9 in Jun-18, Sep-18 and Mar-19.
    assert (
        "Shared Transactional Services, Jun-18: the supplier reported 9 of 9 met; the figures "
        "held give 8 of 9, because R&amp;B-K-009 was below target (2.96% against ≥ 14%)."
    ) in pack
    assert (
        "Shared Transactional Services, Mar-19: the supplier reported 9 of 9 met; the figures "
        "held give 7 of 9, because R&amp;B-K-009 was below target (8% against ≥ 14%); "
        "R&amp;B-K-009b was below target (45.93% against ≥ 63%)."
    ) in pack
    # Dec-18 agrees once counted: no line for it.
    assert "Shared Transactional Services, Dec-18:" not in pack
