"""Reading an uploaded spreadsheet (Excel .xlsx or UTF-8 CSV) into rows of cells.

Everything wrong with the file as a whole (empty, too big, not UTF-8, not a spreadsheet, wrong
header) is a `FileProblem` with a message for the person who uploaded it; what is wrong with a
single row is left to the preview, which knows the contract's KPIs.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import load_workbook

from kpis.imports.xlsx_limits import MAX_COLUMNS, TooBig, check_xlsx_size

MAX_BYTES = 1_000_000
# An .xlsx is a zip archive: refuse one that would unpack to far more than any template.
MAX_UNPACKED_BYTES = 20_000_000
MAX_ROWS = 2_000

COLUMNS = [
    "Contract",
    "Quarter end",
    "KPI reference",
    "Description",
    "Unit",
    "Target",
    "Figure",
    "Not measured",
    "Reason not measured",
    "Commentary",
    # Added after the first templates, at the end so that those still read (`Layout.optional`).
    "Month",
    "Numerator",
    "Denominator",
]
MONTH_COLUMNS = 3

Cell = str | Decimal | None
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Limits:
    """How big a file is read. The web's keep a request well inside gunicorn's worker timeout;
    the command line, which has none, may take more."""

    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    # Said after "The file has more than N rows": where a bigger file can go.
    beyond_rows: str = ""


WEB = Limits()


@dataclass(frozen=True)
class Layout:
    """One kind of template: its columns in order, and how its messages name its rows."""

    columns: tuple[str, ...]
    rows_are: str
    upload_advice: str
    # How many of the last columns a file may leave out: a template saved before they were
    # added is still read, as if they were empty.
    optional: int = 0

    def accepts(self, header: list[str]) -> bool:
        wanted = [name.casefold() for name in self.columns]
        shortest = len(wanted) - self.optional
        return len(header) >= shortest and header == wanted[: len(header)]


FIGURES = Layout(
    columns=tuple(COLUMNS),
    rows_are="figures",
    upload_advice="Upload the template with one quarter's figures.",
    optional=MONTH_COLUMNS,
)

NOT_A_SPREADSHEET = (
    "The file is not a spreadsheet that can be read. Upload the template saved as Excel "
    "(.xlsx) or as CSV UTF-8 (.csv)."
)


class FileProblem(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class RawRow:
    line: int
    cells: dict[str, Cell]


def read_rows(
    content: bytes,
    filename: str,
    size: int | None = None,
    layout: Layout = FIGURES,
    limits: Limits = WEB,
) -> list[RawRow]:
    """The file's rows after its header, each with its line (row) number in the file.

    `size` is the whole file's, for callers that read no more of a big file than the limit.
    """
    if not content:
        raise FileProblem("The file is empty.")
    if len(content) > limits.max_bytes or (size or 0) > limits.max_bytes:
        raise FileProblem(too_big_message(max(len(content), size or 0), layout, limits))
    name = filename.lower()
    if name.endswith(".xlsx"):
        lines = _xlsx_lines(content, layout, limits.max_rows)
    elif name.endswith(".csv"):
        lines = _csv_lines(content)
    elif name.endswith(".xls"):
        raise FileProblem(
            "Older Excel files (.xls) cannot be read. Save it as Excel (.xlsx) or CSV UTF-8."
        )
    else:
        raise FileProblem(NOT_A_SPREADSHEET)
    return _rows_after_header(lines, layout, limits)


def too_big_message(size: int, layout: Layout = FIGURES, limits: Limits = WEB) -> str:
    # Whole MB below 10 MB would round 1.04 MB down to the limit itself: keep a decimal there.
    shown = f"{size / 1_000_000:.1f}" if size < 10_000_000 else f"{size / 1_000_000:.0f}"
    return (
        f"The file is {shown} MB: it must be smaller than {limits.max_bytes // 1_000_000} MB. "
        f"{layout.upload_advice}"
    )


def _csv_lines(content: bytes) -> list[list[Cell]]:
    if content.startswith(b"PK\x03\x04"):
        raise FileProblem(
            "This is an Excel file with a .csv name. Upload it as .xlsx, or save it as CSV UTF-8."
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). In Excel, "
            "choose Save As, then 'CSV UTF-8 (Comma delimited)'."
        ) from None
    if "\x00" in text:
        raise FileProblem(NOT_A_SPREADSHEET)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise FileProblem(f"The CSV file cannot be read: {error}.") from None


def _xlsx_lines(content: bytes, layout: Layout, max_rows: int) -> list[list[Cell]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise FileProblem("The spreadsheet is too large once unpacked.")
            check_xlsx_size(archive)
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except FileProblem:
        raise
    except TooBig as problem:
        raise FileProblem(
            f"The spreadsheet is far bigger than the template: {problem}. The template has "
            f"{len(layout.columns)} columns and room for {MAX_ROWS:,} rows of "
            f"{layout.rows_are}: copy the {layout.rows_are} into a fresh template and upload that."
        ) from None
    except Exception:
        # openpyxl raises many kinds of error for a damaged or foreign file; all mean the same.
        raise FileProblem(NOT_A_SPREADSHEET) from None
    try:
        sheet = book.worksheets[0]
        lines = []
        # Never wider than the limit, whatever the sheet's own dimension says.
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        for row in sheet.iter_rows(max_col=width):
            lines.append(
                [_xlsx_cell(cell.value, getattr(cell, "number_format", "")) for cell in row]
            )
            if len(lines) > max_rows + 1:
                break
        return lines
    except Exception:
        raise FileProblem(NOT_A_SPREADSHEET) from None
    finally:
        book.close()


def _xlsx_cell(value: object, number_format: str | None = "") -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int | float):
        # Through str so that 0.1 stays 0.1 rather than its binary expansion.
        number = Decimal(value) if isinstance(value, int) else Decimal(str(value))
        if "%" in (number_format or ""):
            # "95%" typed into Excel is kept as 0.95 shown as a percentage: read it as shown,
            # so that it is checked as any printed percentage is, never taken for 0.95.
            return f"{format((number * 100).normalize(), 'f')}%"
        return number
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def cell_text(cell: Cell) -> str:
    """A cell as the text a person typed, trimmed; numbers written plainly (95.5, not 95.50)."""
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return format(cell.normalize(), "f")
    text = str(cell).strip()
    # Undo the apostrophe the templates put before text a spreadsheet would take for a formula.
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _rows_after_header(
    lines: list[list[Cell]], layout: Layout, limits: Limits = WEB
) -> list[RawRow]:
    columns = layout.columns
    if not lines or all(_is_blank(c) for c in lines[0]):
        if all(all(_is_blank(c) for c in line) for line in lines):
            raise FileProblem("The file is empty.")
        raise FileProblem(_header_message(lines[0] if lines else [], layout))
    header = lines[0]
    while header and _is_blank(header[-1]):
        header = header[:-1]
    found = [str(c).strip().casefold() if c is not None else "" for c in header]
    if not layout.accepts(found):
        raise FileProblem(_header_message(header, layout))
    width = len(found)
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if all(_is_blank(c) for c in line):
            continue
        if any(not _is_blank(c) for c in line[width:]):
            raise FileProblem(f"Line {number} has more cells than the header's {width} columns.")
        padded = [*line[:width], *[None] * (len(columns) - min(len(line), width))]
        rows.append(RawRow(line=number, cells=dict(zip(columns, padded, strict=True))))
        if len(rows) > limits.max_rows:
            raise FileProblem(
                f"The file has more than {limits.max_rows:,} rows of {layout.rows_are}."
                + (f" {limits.beyond_rows}" if limits.beyond_rows else "")
            )
    if not rows:
        raise FileProblem(f"The file has the template's header but no rows of {layout.rows_are}.")
    return rows


def _header_message(header: list[Cell], layout: Layout) -> str:
    named = [str(c).strip() for c in header if not _is_blank(c)]
    shown = ", ".join(named) or "nothing"
    present = {name.casefold() for name in named}
    missing = [c for c in layout.columns if c.casefold() not in present]
    lacks = f" Missing: {', '.join(missing)}." if missing and named else ""
    return (
        f"The first line must be the template's header: {', '.join(layout.columns)}. "
        f"It has: {shown[:300]}.{lacks} Download the template again and copy the "
        f"{layout.rows_are} into it."
    )
