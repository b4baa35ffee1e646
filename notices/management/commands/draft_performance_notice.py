"""Print the draft of a Contract Performance Notice, from the approved figures, without saving it.

    python manage.py draft_performance_notice --contract ICT --from 2018-04-01 --to 2019-03-31 \
        [--kpis 1,2,8] [--json]
"""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contracts.models import Contract
from kpis.models import Kpi
from kpis.reads import display
from notices import rules
from notices.drafting import draft_for, rated_kpis


def _day(text: str, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--{name} must be a date like 2024-04-01, not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "Print a draft Contract Performance Notice for the quarters ending in the period, from "
        "approved figures only, without saving it: per KPI, its proposed rating and the "
        "statuses it came from."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contract", required=True, help="The contract's code, like ICT.")
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument(
            "--kpis",
            default="",
            help="References to rate, comma-separated; by default the published KPIs, or "
            "every KPI where none is marked.",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, **options) -> None:
        contract = Contract.objects.filter(code=options["contract"]).first()
        if contract is None:
            raise CommandError(f"No contract has the code {options['contract']!r}.")
        start, end = _day(options["start"], "from"), _day(options["end"], "to")
        if problems := rules.period_problems(start, end):
            raise CommandError(" ".join(problems.values()))
        kpis = rated_kpis(contract)
        if options["kpis"]:
            wanted = [ref.strip() for ref in options["kpis"].split(",") if ref.strip()]
            kpis = Kpi.objects.for_contract(contract).filter(reference__in=wanted)
            unknown = sorted(set(wanted) - set(kpis.values_list("reference", flat=True)))
            if unknown:
                raise CommandError(f"{contract.code} has no KPI {', '.join(unknown)}.")
            kpis = kpis.in_report_order()
        draft = draft_for(contract, start, end, kpis=kpis, today=timezone.localdate())
        if options["json"]:
            self.stdout.write(json.dumps(draft.as_json(), indent=2))
            return
        self.stdout.write(f"{contract.name}: draft notice, {start} to {end}")
        self.stdout.write(rules.RULE_TEXT)
        if draft.missing:
            missing = ", ".join(day.isoformat() for day in draft.missing)
            self.stdout.write(f"Quarters not approved, so not used: {missing}")
        for proposal in draft.proposals:
            statuses = ", ".join(
                f"{q.label} {display.status_label(q.status).lower()}" for q in proposal.quarters
            )
            self.stdout.write(
                f"{proposal.kpi.reference}: {proposal.rating.label} ({statuses or 'no quarter'})"
            )
