"""Every page of notices runs the same number of queries however many KPIs are rated, breaches
recorded and notices held: three published KPIs with one breach and one notice, or all nineteen
ICT KPIs with three breaches and four notices. The scorecard, home page and "My returns" of a
contract under the Act are pinned here too, with the panels notices adds."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from kpis.models import Kpi
from notices import writes
from notices.choices import BreachOutcome
from notices.models import PerformanceNotice
from tests.notices.making import ICT_YEAR, under_act


def _make(seed, manager, *, many: bool) -> tuple[PerformanceNotice, PerformanceNotice]:
    ict = under_act(seed["ICT"])
    if many:
        Kpi.objects.filter(contract=ict).update(published=True)
    for n in range(3 if many else 1):
        writes.record_breach(
            contract=ict,
            occurred_on=datetime.date(2019, 5, n + 1),
            description=f"Outage {n}",
            outcome=BreachOutcome.DAMAGES,
            user=manager,
        )
    start, end = ICT_YEAR
    with override_settings(ALLOW_SELF_APPROVAL=True):
        for _ in range(2 if many else 1):
            published = writes.approve_notice(
                notice=writes.draft_notice(contract=ict, start=start, end=end, user=manager),
                user=manager,
            )
    for _ in range(2 if many else 1):
        draft = writes.draft_notice(contract=ict, start=start, end=end, user=manager)
    return draft, published


# The session, the user, the contract, the user's groups and assignments (in one query) come
# first on every page (4).
PAGES = {
    # The notices owed (published notices, breaches, published KPIs, extensions: one contract's
    # small tables, in one query); the notices; the breaches.
    "list": 7,
    # The breaches offered, the last notice and the approved quarters, for the period offered.
    "new": 7,
    # The notice; its ratings with their KPIs and who changed them; who changed a rating, for
    # the four-eyes rule (a manager who did may not approve it).
    "draft": 7,
    # The notice; the figures now, to show restatements beside it: the contract's small tables
    # in one query (its quarters, the KPIs' suspensions and rule changes, regime settings and
    # reliefs), the KPIs, the readings, open plans and open questions.
    "published": 10,
    # The notice, the contract again (the table's check), the rating with its KPI.
    "rating": 7,
    "breach": 4,
    # The notice: a published one is read from what was stored.
    "print": 5,
    "json": 5,
    "csv": 5,
}


def _url(name: str, draft: PerformanceNotice, published: PerformanceNotice) -> str:
    return {
        "list": reverse("notice_list", args=["ICT"]),
        "new": reverse("notice_new", args=["ICT"]),
        "draft": draft.get_absolute_url(),
        "published": published.get_absolute_url(),
        "rating": reverse(
            "notice_rating_change", args=["ICT", draft.pk, draft.ratings.order_by("pk")[0].pk]
        ),
        "breach": reverse("breach_new", args=["ICT"]),
        "print": reverse("notice_print", args=["ICT", published.pk]),
        "json": reverse("notice_json", args=["ICT", published.pk]),
        "csv": reverse("notice_csv", args=["ICT", published.pk]),
    }[name]


@pytest.mark.parametrize("many", [False, True], ids=["few", "many"])
@pytest.mark.parametrize(("name", "queries"), PAGES.items())
def test_the_notices_pages_run_a_fixed_number_of_queries(
    client, seed, manager, django_assert_num_queries, many, name, queries
):
    draft, published = _make(seed, manager, many=many)
    url = _url(name, draft, published)
    client.force_login(manager)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# Other apps' pages with the panels of a contract under the Act, read by its manager.
# Each adds the notices owed (published notices, breaches, published KPIs, extensions): for
# one contract under the Act, as here, its small tables in one query (`kpis.reads.together`),
# which the scorecard reads with the rest of its small tables. The scorecard counts the quarters
# it shows from the readings of its grid.
PANELS = {
    "/": 10,
    "/returns/": 7,
    "/contracts/ICT/": 10,
}


@pytest.mark.parametrize("many", [False, True], ids=["few", "many"])
@pytest.mark.parametrize(("url", "queries"), PANELS.items())
def test_the_panels_run_a_fixed_number_of_queries(
    client, seed, manager, django_assert_num_queries, many, url, queries
):
    _make(seed, manager, many=many)
    client.force_login(manager)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
