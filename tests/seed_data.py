"""The seed fixtures, loaded once and then copied in, so that each test pays milliseconds.

`loaddata` resolves thousands of natural keys; a test that only needs the seed rows gets the same
rows, with the same primary keys, by bulk insertion of what the first load produced.
"""

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from contracts.models import Budget, Contract, Extension, ServiceArea
from kpis.models import (
    Kpi,
    PublishedSummary,
    QuarterlyReturn,
    Reading,
    ReportingPeriod,
    Suspension,
    Unit,
)
from regime.models import Relief

SEED_FIXTURES = [
    "peterborough_serco_2018_19",
    "hertfordshire_serco_2019",
    "peterborough_regime_2018_19",
]
# In an order in which every row's foreign keys already exist.
SEED_MODELS = [
    Contract,
    ServiceArea,
    Extension,
    Budget,
    ReportingPeriod,
    Kpi,
    Suspension,
    Reading,
    QuarterlyReturn,
    PublishedSummary,
    Relief,
]
_rows: list[tuple[type, list[dict]]] | None = None


def load_seed() -> None:
    global _rows
    if Contract.objects.filter(code="PSSP").exists():
        return
    Unit.objects.ensure_shared()
    if _rows is None:
        call_command("loaddata", *SEED_FIXTURES, verbosity=0)
        _rows = [(model, list(model.objects.order_by("pk").values())) for model in SEED_MODELS]
        return
    for model, rows in _rows:
        model.objects.bulk_create([model(**row) for row in rows])
    # Rows inserted with their keys leave PostgreSQL's sequences behind; bring them forward.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), SEED_MODELS):
            cursor.execute(sql)
