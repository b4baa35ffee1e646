import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contracts.models import Contract
from kpis.imports.preview import Backfill
from kpis.imports.write import ImportRefused, import_readings, prepare_import
from kpis.management.commands._import import importer, read_file
from kpis.writes.saving import EditConflict


class Command(BaseCommand):
    help = (
        "Import a quarter's figures from a filled-in template (.xlsx or .csv), all or nothing. "
        "Prints every problem with its line number and writes nothing if any row is wrong."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The filled-in template.")
        parser.add_argument("--contract", required=True, help="The contract's code, such as PSSP.")
        parser.add_argument(
            "--period", required=True, help="The quarter's last day, YYYY-MM-DD: 2018-06-30."
        )
        parser.add_argument(
            "--user",
            help=(
                "Username the import is made as: their permissions apply and history names them. "
                "Defaults to the administrator, where there is exactly one."
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and show the changes only."
        )
        parser.add_argument(
            "--backfill",
            action="store_true",
            help=(
                "Back-fill a past quarter from a published source: approved at once, missed "
                "targets without commentary (managers and administrators only)."
            ),
        )
        parser.add_argument("--source", default="", help="With --backfill: the source document.")
        parser.add_argument("--page", default="", help="With --backfill: its page (optional).")

    def handle(self, *args, file: Path, contract: str, period: str, user: str, **options) -> None:
        if options["backfill"] and not options["source"].strip():
            raise CommandError("--backfill needs --source: the document the figures come from.")
        if (options["source"] or options["page"]) and not options["backfill"]:
            raise CommandError("--source and --page go with --backfill.")
        found = Contract.objects.filter(code=contract).first()
        if found is None:
            raise CommandError(f"No contract has the code {contract!r}.")
        try:
            end_date = datetime.date.fromisoformat(period)
        except ValueError:
            raise CommandError(f"--period {period!r} is not a date such as 2018-06-30.") from None
        person = importer(user)
        content, size = read_file(file)
        preview = prepare_import(
            contract=found,
            end_date=end_date,
            user=person,
            content=content,
            filename=file.name,
            today=timezone.localdate(),
            size=size,
            backfill_from=Backfill(options["source"], options["page"])
            if options["backfill"]
            else None,
        )
        if not preview.ok:
            for line, message in preview.problems:
                where = f"line {line}" if line else file.name
                self.stderr.write(f"{where}: {message}")
            raise CommandError(f"{len(preview.problems)} problems: nothing was imported.")
        for row in preview.changed_rows:
            before, _ = row.before
            month = f" {row.month_label}" if row.month else ""
            quarter = (
                f"; quarter {_shown(row.quarter.value) if row.quarter.value is not None else '-'}"
                if row.month and row.quarter
                else ""
            )
            self.stdout.write(
                f"line {row.line}: {row.reference}{month}: {_shown(before)} -> "
                f"{_shown(row.value) if row.value is not None else row.not_measured_reason or '-'}"
                f" ({row.status.label if row.status else ''}){quarter}"
            )
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {len(preview.changed_rows)} rows would change.")
            return
        try:
            written = import_readings(preview=preview, user=person)
        except (ImportRefused, EditConflict, PermissionDenied) as error:
            raise CommandError(f"Nothing was imported: {error}") from None
        except ValidationError as error:
            # The quarter changed state since the file was checked: submitted or approved by
            # someone else meanwhile, say.
            raise CommandError(f"Nothing was imported: {' '.join(error.messages)}") from None
        if preview.backfill:
            self.stdout.write(
                f"Back-filled as approved ({preview.backfill_note}): "
                f"{len(written)} readings changed."
            )
        else:
            self.stdout.write(f"Imported: {len(written)} readings changed.")


def _shown(value) -> str:
    return "-" if value is None else format(value.normalize(), "f")
