"""What kind of file an upload is, read from its first bytes, never from its name.

The council's evidence is documents, pictures and spreadsheets: PDF, PNG, JPEG, GIF, Excel and
Word (the zipped formats of today, whose parts say which they are, and the older OLE formats,
told apart by their name only once the bytes have shown an OLE file), and CSV or plain text
(anything that reads as text, unless it is named as another kind or as a web page). Everything
else is refused, and a program (Windows, Linux or macOS) is refused by name, whatever it is
called. No database here.

A small table rather than a library: the one maintained pure-Python library of signatures needs
a newer Python than the project's, the others are unmaintained, and the zipped Office formats
need their parts looked at anyway.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO

# 10 MB, as the 413 page and the form count them.
MAX_BYTES = 10_000_000


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    content_type: str
    extension: str


PDF = Kind("pdf", "PDF", "application/pdf", "pdf")
PNG = Kind("png", "PNG image", "image/png", "png")
JPEG = Kind("jpeg", "JPEG image", "image/jpeg", "jpg")
GIF = Kind("gif", "GIF image", "image/gif", "gif")
XLSX = Kind(
    "xlsx",
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
)
DOCX = Kind(
    "docx",
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)
XLS = Kind("xls", "Excel spreadsheet (older format)", "application/vnd.ms-excel", "xls")
DOC = Kind("doc", "Word document (older format)", "application/msword", "doc")
CSV = Kind("csv", "CSV file", "text/csv", "csv")
TEXT = Kind("text", "Text file", "text/plain", "txt")
KINDS = {kind.code: kind for kind in (PDF, PNG, JPEG, GIF, XLSX, DOCX, XLS, DOC, CSV, TEXT)}

ACCEPTED = "PDF, PNG, JPEG or GIF, Excel, Word, CSV or plain text"
PROGRAM_MESSAGE = (
    "This file is a program, whatever its name says: attach a document, picture or "
    "spreadsheet instead (" + ACCEPTED + ")."
)
UNKNOWN_MESSAGE = "This file's contents are not of a kind accepted here: use " + ACCEPTED + "."

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_PROGRAMS = (
    b"MZ",  # Windows (.exe, .dll)
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # macOS (Mach-O), both byte orders and widths
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # macOS universal binary (also a Java class)
    b"#!",  # a script to run
)
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The names of the kinds read from their bytes, which a text file is not.
_NAMED_OTHERWISE = {
    "pdf": "a PDF",
    "png": "a PNG image",
    "jpg": "a JPEG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "xlsx": "an Excel spreadsheet",
    "xls": "an Excel spreadsheet",
    "docx": "a Word document",
    "doc": "a Word document",
}
# Control characters a text file never holds (tab, line feed, form feed and return it may).
_NOT_TEXT = frozenset(range(32)) - {9, 10, 12, 13}


class Refused(ValueError):
    """The upload is not a kind accepted; the message says why, for beside the field."""


def kind_of(file: IO[bytes], name: str) -> Kind:
    """The kind of `file`, read from its contents (`name` only tells an older Excel file from
    an older Word one); `Refused` with the reason otherwise."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(_PROGRAMS):
        raise Refused(PROGRAM_MESSAGE)
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.startswith(_ZIP):
        return _office(file)
    if head.startswith(_OLE):
        return _older_office(name)
    return _text(file, name)


def _office(file: IO[bytes]) -> Kind:
    """A zipped Office file says what it is in its parts; any other zip is refused (it could
    hold anything)."""
    try:
        with zipfile.ZipFile(file) as archive:
            parts = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise Refused(UNKNOWN_MESSAGE) from None
    finally:
        file.seek(0)
    if "[Content_Types].xml" in parts:
        if "xl/workbook.xml" in parts:
            return XLSX
        if "word/document.xml" in parts:
            return DOCX
    raise Refused(UNKNOWN_MESSAGE)


def _older_office(name: str) -> Kind:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in {"xls", "xlt"}:
        return XLS
    if extension in {"doc", "dot"}:
        return DOC
    raise Refused(
        "This is an older Office file: give it a name ending .xls or .doc, as it is an "
        "Excel spreadsheet or a Word document, or save it in a newer format."
    )


def _text(file: IO[bytes], name: str) -> Kind:
    data = file.read()
    file.seek(0)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # What Excel on Windows writes a CSV file in.
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise Refused(UNKNOWN_MESSAGE) from None
    if not text.strip() or any(ord(c) in _NOT_TEXT for c in text):
        raise Refused(UNKNOWN_MESSAGE)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in _NAMED_OTHERWISE:
        # Text named as a document or picture would be downloaded under a name it cannot open
        # as: most likely the wrong file, or one saved wrongly.
        raise Refused(
            f"This file is named as {_NAMED_OTHERWISE[extension]} but holds plain text: attach "
            "the document itself, or give a text file a name ending .txt or .csv."
        )
    if extension in {"htm", "html", "xhtml", "svg"}:
        raise Refused("A web page is not accepted as evidence: save or print it as a PDF.")
    return CSV if extension == "csv" else TEXT


def kind_of_bytes(data: bytes, name: str) -> Kind:
    return kind_of(io.BytesIO(data), name)
