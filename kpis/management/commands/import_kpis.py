import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from kpis.imports.definitions.limits import COMMAND_LINE
from kpis.imports.definitions.preview import build_preview
from kpis.imports.definitions.write import (
    DefinitionsRefused,
    check_write,
    import_definitions,
    missing_answers,
    refusals,
)
from kpis.management.commands._import import importer, read_file


class Command(BaseCommand):
    help = (
        "Import a contract's KPI definitions from a filled-in template (.xlsx or .csv), all or "
        "nothing: new KPIs are added, KPIs held are updated by reference, others left alone. "
        "Prints every problem with its line number and writes nothing if there is any."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The filled-in definitions template.")
        parser.add_argument("--contract", required=True, help="The contract's code, such as PSSP.")
        parser.add_argument(
            "--reason", default="", help="Why KPIs held are changing (needed when any is)."
        )
        parser.add_argument(
            "--effective-from",
            help="The last day of the first quarter judged by changed targets or thresholds, "
            "YYYY-MM-DD (needed when any changes).",
        )
        parser.add_argument(
            "--user",
            help="Username the import is made as: their permissions apply and history names "
            "them. Defaults to the administrator, where there is exactly one.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and show the changes only."
        )

    def handle(self, *args, file: Path, contract: str, reason: str, **options) -> None:
        found = Contract.objects.filter(code=contract).first()
        if found is None:
            raise CommandError(f"No contract has the code {contract!r}.")
        effective_from = _day(options["effective_from"])
        person = importer(options["user"])
        content, size = read_file(file, COMMAND_LINE.max_bytes)
        preview = build_preview(
            contract=found,
            user=person,
            content=content,
            filename=file.name,
            size=size,
            limits=COMMAND_LINE,
        )
        problems = [
            (f"line {line}" if line else file.name, message) for line, message in preview.problems
        ]
        if preview.ok:
            answers: dict[str, str] | dict[str, list[str]]
            answers = missing_answers(preview, reason, effective_from)
            if options["dry_run"] and not answers:
                answers = check_write(
                    preview=preview, user=person, reason=reason, effective_from=effective_from
                )
            problems += self._where(file, answers)
        if problems:
            self._refuse(problems)
        written = None
        if not options["dry_run"]:
            # Written once: the write's own refusals are printed as the dry run's would be.
            try:
                written = import_definitions(
                    preview=preview, user=person, reason=reason, effective_from=effective_from
                )
            except DefinitionsRefused as error:
                raise CommandError(f"Nothing was imported: {error}") from None
            except ValidationError as error:
                self._refuse(self._where(file, refusals(error)))
        for row in preview.rows:
            self.stdout.write(f"line {row.line}: {row.reference}: {_what(row)}")
        for kpi in preview.absent:
            self.stdout.write(f"{kpi.reference}: not in the file, left as it is")
        if written is None:
            self.stdout.write(
                f"Dry run: {len(preview.new_rows)} KPIs would be added and "
                f"{len(preview.changed_rows)} changed."
            )
            return
        self.stdout.write(
            f"Imported: {len(written.added)} KPIs added, {len(written.changed)} changed."
        )

    def _where(self, file: Path, answers: dict) -> list[tuple[str, str]]:
        return [
            (_OPTION.get(name, file.name), message)
            for name, messages in answers.items()
            for message in ([messages] if isinstance(messages, str) else messages)
        ]

    def _refuse(self, problems: list[tuple[str, str]]) -> None:
        for where, message in problems:
            self.stderr.write(f"{where}: {message}")
        raise CommandError(f"{len(problems)} problems: nothing was imported.")


_OPTION = {"reason": "--reason", "effective_from": "--effective-from"}


def _day(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--effective-from {text!r} is not a date such as 2019-06-30.") from None


def _what(row) -> str:
    if row.kind == "new":
        return "new"
    if row.kind == "unchanged":
        return "unchanged"
    return "; ".join(
        f"{c.label} {c.before or '(none)'} -> {c.after or '(none)'}" for c in row.changes
    )
