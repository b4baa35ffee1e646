from django.core.management import call_command
from django.core.management.base import BaseCommand

from contracts.models import Contract
from kpis.models import Unit

SEED_FIXTURES = [
    "peterborough_serco_2018_19",
    "hertfordshire_serco_2019",
    "peterborough_regime_2018_19",
]


class Command(BaseCommand):
    help = "Load the seed contracts (Peterborough and Hertfordshire) if no contract is held yet."

    def handle(self, *args, **options):
        if Contract.objects.exists():
            self.stdout.write("Contracts are already held; the seed data was not loaded again.")
            return
        # The fixtures name the shared units, which a database emptied by `flush` has lost.
        Unit.objects.ensure_shared()
        call_command("loaddata", *SEED_FIXTURES, verbosity=0)
        self.stdout.write(f"Loaded the seed data: {', '.join(SEED_FIXTURES)}.")
