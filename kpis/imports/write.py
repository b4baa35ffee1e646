"""The one write of an import: open the quarter's return if need be and save the rows through
`kpis.writes.saving.save_return`, which checks permission, the lock, each row and concurrent edits,
and, for a monthly KPI's months, writes them and the quarter's figure rolled up from them.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from contracts.models import Contract
from kpis.imports.preview import Backfill, Preview, build_preview
from kpis.models import Reading
from kpis.writes import locks, opening, saving
from kpis.writes.backfill import backfill_return


class ImportRefused(Exception):
    """The preview has problems; nothing was written."""


class _Rollback(Exception):
    pass


def change_reason(filename: str) -> str:
    # The history keeps 100 characters of a reason.
    return f"Imported from {' '.join(filename.split())}"[:100]


@transaction.atomic
def import_readings(
    *, preview: Preview, user, versions: dict[str, int | None] | None = None
) -> list[Reading]:
    """Write every changed row of `preview`, all or none; returns the readings written.

    `versions` are those seen when the preview was shown (by KPI id); a row changed by someone
    else since then makes the service raise `EditConflict`. The history of every reading written
    names the user and the file. A back-fill also approves the quarter, recording its source.
    """
    # First, as every decision about the contract's quarters does (kpis.writes.locks): a second
    # import into the same contract (Confirm clicked twice, say) waits, then reads what the first
    # wrote.
    locks.lock_contracts(preview.contract.pk)
    if not preview.ok:
        raise ImportRefused(preview.problems)
    versions = preview.versions() if versions is None else versions
    # One entry per KPI, its months with it: the return page's path, so the months are checked,
    # rolled up into the quarter and written in the same save.
    entries = preview.entries(versions)
    if preview.backfill:
        return backfill_return(
            contract=preview.contract,
            end_date=preview.end_date,
            user=user,
            entries=entries,
            source=preview.backfill.source,
            page=preview.backfill.page,
            reason=change_reason(preview.filename),
        )
    quarterly_return = opening.open_return(
        contract=preview.contract, end_date=preview.end_date, user=user
    )
    if not entries:
        return []
    return saving.save_return(
        quarterly_return=quarterly_return,
        user=user,
        entries=entries,
        set_targets=preview.sets_targets,
        reason=change_reason(preview.filename),
    )


def check_write(*, preview: Preview, user) -> list[str]:
    """Run the write and undo it: the service's own refusals, as messages, with nothing kept."""
    try:
        with transaction.atomic():
            import_readings(preview=preview, user=user)
            raise _Rollback
    except _Rollback:
        return []
    except saving.ReturnInvalid as error:
        by_kpi = {row.kpi.pk: row.reference for row in preview.rows if row.kpi}
        return [
            f"{by_kpi.get(kpi_id, kpi_id)}: {message}"
            for kpi_id, fields in error.row_errors.items()
            for message in fields.values()
        ]
    except ValidationError as error:
        return list(error.messages)
    except PermissionDenied as error:
        return [str(error)]
    except saving.EditConflict:
        return ["Someone else changed these figures meanwhile. Upload the file again."]


def prepare_import(
    *,
    contract: Contract,
    end_date: datetime.date,
    user,
    content: bytes,
    filename: str,
    today: datetime.date,
    size: int | None = None,
    backfill_from: Backfill | None = None,
) -> Preview:
    """The preview of a file, with the service's verdict on it once every row is sound."""
    preview = build_preview(
        contract=contract,
        end_date=end_date,
        user=user,
        content=content,
        filename=filename,
        today=today,
        size=size,
        backfill_from=backfill_from,
    )
    if preview.ok:
        preview.file_problems.extend(check_write(preview=preview, user=user))
    return preview
