"""Charts that tell the truth: a figure in another unit is listed beside the chart, not plotted
on its axis; zones are shaded only behind quarters judged against them and named in the key;
the axis says its unit and starts at zero where no figure is below it; labels never overlap."""

import itertools
import re

from django.test import Client

from kpis.models import Kpi, ReportingPeriod
from kpis.permissions.sight import PUBLIC
from kpis.reads.charts import trend_svg
from kpis.reads.grid import build_grid


def _kpi_page(user, kpi) -> str:
    client = Client()
    client.force_login(user)
    return client.get(kpi.get_absolute_url()).content.decode()


def _ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" font-size="13" fill="#0b0c0c">([^<]+)</text>', svg)


def test_ict_kpi_15s_percentages_are_listed_not_plotted(seed, committee_member):
    # Counted in failures (0, 0, 0) until Dec-18, then printed as 100% from Mar-19.
    kpi = Kpi.objects.get(contract__code="ICT", reference="15")
    html = _kpi_page(committee_member, kpi)
    svg = html[html.index("<svg") : html.index("</svg>")]
    # The axis is in failures, from zero, and not stretched to 100.
    ticks = _ticks(svg)
    assert ticks[0] == "0" and "100" not in ticks
    assert f">{kpi.unit.label}</text>" in svg
    assert (
        "Not on the chart, being in another unit than the KPI's "
        f"{kpi.unit.label.lower()}: Mar-19 100%, Jun-19 100%, Sep-19 100%."
    ) in html
    # Three plotted points (the counted quarters) and the key's, none for the percentages.
    assert svg.count('r="6" fill="#1d70b8"') == 3 + 1
    assert ">Another unit</text>" in svg


def test_zones_are_shaded_only_behind_quarters_judged_and_named_in_the_key(seed):
    kpi = Kpi.objects.get(contract__code="ICT", reference="15")
    periods = list(ReportingPeriod.objects.for_contract(kpi.contract))
    cells = build_grid(Kpi.objects.filter(pk=kpi.pk), periods, sight=PUBLIC)[0].cells
    svg = trend_svg(cells)
    judged = sum(1 for c in cells if c.status in ("met", "below_target", "detriment", "failure"))
    assert judged == 3
    # Each zone is shaded once per quarter judged: never behind the percentages.
    assert svg.count("<title>Failure zone</title>") == judged
    assert svg.count("<title>Detriment zone</title>") == judged
    # Named once each in the key beneath, not inside the plot where labels could overlap.
    assert svg.count(">Failure zone</text>") == 1
    assert svg.count(">Detriment zone</text>") == 1


def test_quarter_labels_are_thinned_so_that_none_overlaps(seed):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    periods = list(ReportingPeriod.objects.for_contract(kpi.contract))
    row = build_grid(Kpi.objects.filter(pk=kpi.pk), periods, sight=PUBLIC)[0]
    # Twenty-four quarters on a 670-pixel plot: 28 pixels each, too few for "Sep-19".
    cells = (row.cells * 4)[:24]
    svg = trend_svg(cells)
    xs = [
        float(x)
        for x in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" font-size="13"', svg)
    ]
    assert len(xs) < 24
    assert all(b - a >= 52 for a, b in itertools.pairwise(xs))
