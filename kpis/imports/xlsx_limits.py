"""Refusing an .xlsx far bigger than the template before openpyxl reads it.

openpyxl's work grows with what a file claims, not with its size: a few kilobytes that declare
16,384 columns, or one row of a million empty cells, cost it seconds of CPU. So every part of
the archive is first streamed through a parser that only counts, and the file is refused as soon
as a count passes a limit far above anything the template produces: a crafted file stops after a
few hundred cells, and a real one costs a fraction of openpyxl's own reading.
"""

from __future__ import annotations

import zipfile
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries
from openpyxl.utils.exceptions import CellCoordinatesException

# The template has 10 columns and room for 2,000 rows; these leave room for a sheet someone has
# formatted beyond its data, and nothing like the room a crafted file needs.
MAX_COLUMNS = 200
MAX_SHEET_ROWS = 5_000
MAX_CELLS = 50_000
# Every element of every part (styles, shared strings, sheets): openpyxl parses them all.
MAX_ELEMENTS = 150_000
CHUNK_BYTES = 64 * 1024


class TooBig(Exception):
    """What about the file is too big, said for the person who uploaded it."""


class Unsafe(Exception):
    """The file uses XML features (entities, external references) no spreadsheet needs."""


def check_xlsx_size(archive: zipfile.ZipFile) -> None:
    """Raise TooBig or Unsafe for a file openpyxl should not be given."""
    counts = {"elements": 0, "cells": 0}
    for info in archive.infolist():
        if not info.is_dir():
            with archive.open(info) as part:
                _check_part(part, counts)


def _check_part(part, counts: dict[str, int]) -> None:
    # expat straight, with one small callback per element: building a tree to count it would
    # cost as much as openpyxl's own reading.
    parser = expat.ParserCreate()
    parser.StartElementHandler = _Scan(counts).start
    parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = _refuse_entities
    try:
        while chunk := part.read(CHUNK_BYTES):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        # Not XML (a picture, say): openpyxl never parses it, or refuses it itself.
        return


def _refuse_entities(*args) -> None:
    raise Unsafe


class _Scan:
    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.rows = 0
        self.cells_in_row = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = tag.rpartition(":")[2]
        self.counts["elements"] += 1
        if self.counts["elements"] > MAX_ELEMENTS:
            raise TooBig(f"it holds more than {MAX_ELEMENTS:,} pieces of data")
        if name == "c":
            self.cells_in_row += 1
            self.counts["cells"] += 1
            _check_cell(attributes.get("r"), self.cells_in_row, self.counts["cells"], self.rows)
        elif name == "row":
            self.rows += 1
            self.cells_in_row = 0
            if self.rows > MAX_SHEET_ROWS:
                raise TooBig(f"a sheet has more than {MAX_SHEET_ROWS:,} rows")
        elif name == "dimension":
            _check_dimension(attributes.get("ref", ""))


def _check_dimension(ref: str) -> None:
    try:
        _, _, columns, rows = range_boundaries(ref.split(":")[-1])
    except (CellCoordinatesException, ValueError, TypeError):
        return
    if (columns or 0) > MAX_COLUMNS or (rows or 0) > MAX_SHEET_ROWS:
        raise TooBig(f"a sheet says it spans {columns or 0:,} columns and {rows or 0:,} rows")


def _check_cell(ref: str | None, in_row: int, in_all: int, row: int) -> None:
    if in_row > MAX_COLUMNS:
        raise TooBig(f"row {row} has more than {MAX_COLUMNS} cells")
    if in_all > MAX_CELLS:
        raise TooBig(f"it holds more than {MAX_CELLS:,} cells")
    if ref:
        try:
            letters = coordinate_from_string(ref)[0]
            column = column_index_from_string(letters)
        except (CellCoordinatesException, ValueError):
            return
        if column > MAX_COLUMNS:
            raise TooBig(f"it has a cell in column {letters}")
