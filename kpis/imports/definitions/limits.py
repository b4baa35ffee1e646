"""How big a definitions import the browser takes, and the command line.

A request must finish well inside gunicorn's worker timeout (30 s, serco_kpi/gunicorn.conf.py).
New KPIs are written in bulk, a fixed number of queries whatever their number; a change of target
or thresholds goes through `kpis.writes.decisions.change_rule` one KPI at a time, some 25 queries
each. Measured on PostgreSQL on the 2-core server while others worked on it (load 3 to 4), through
the pages, with two returns open (docs/imports.md, "Setting up a contract and importing its KPI
definitions"):

- 2,000 new KPIs: preview 2.1 to 3.4 s, confirmation 2.2 to 3.3 s (through gunicorn itself:
  0.8 s and 3.2 s; written one by one before: 16 s with no return open, 29 s with two, about
  9,000 queries; now 14 queries);
- 2,000 KPIs held with a new description: 3 to 5 s;
- 100 changes of target: 2.4 s (24 ms and 24 queries each), 500 took 23 s.

Each limit leaves the browser's request more than three times inside the timeout. The command
line (`manage.py import_kpis`), which has no timeout, takes ten times as many rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpis.imports.parse import MAX_BYTES, Limits

WEB_ROWS = 2_000
WEB_RULE_CHANGES = 100
COMMAND_ROWS = 20_000
COMMAND_BYTES = 10 * MAX_BYTES
COMMAND = "python manage.py import_kpis FILE --contract CODE"


@dataclass(frozen=True)
class DefinitionLimits(Limits):
    # Changes of target or thresholds to KPIs held; None for no limit.
    max_rule_changes: int | None = None


WEB = DefinitionLimits(
    max_rows=WEB_ROWS,
    max_rule_changes=WEB_RULE_CHANGES,
    beyond_rows=(
        f"The browser takes up to {WEB_ROWS:,}: ask an administrator to import a bigger file "
        f"from the command line ({COMMAND}), which takes up to {COMMAND_ROWS:,}."
    ),
)
COMMAND_LINE = DefinitionLimits(max_bytes=COMMAND_BYTES, max_rows=COMMAND_ROWS)


def too_many_rule_changes(count: int) -> str:
    return (
        f"The file changes the target or thresholds of {count:,} KPIs: the browser takes up to "
        f"{WEB_RULE_CHANGES:,} at once. Import it in smaller files, or ask an administrator to "
        f"import it from the command line ({COMMAND})."
    )
