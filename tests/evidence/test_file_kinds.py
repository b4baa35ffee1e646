"""A file's kind is read from its contents, never its name: no database."""

import pytest

from evidence import filetypes
from tests.evidence.making import EXE, PDF, PNG, plain_zip, xlsx

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (PDF, "report.pdf", filetypes.PDF),
        (PDF, "report.txt", filetypes.PDF),
        (PNG, "photo.png", filetypes.PNG),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "photo.jpeg", filetypes.JPEG),
        (b"GIF89a" + b"\x00" * 20, "chart.gif", filetypes.GIF),
        (xlsx(), "figures.xlsx", filetypes.XLSX),
        (OLE, "figures.xls", filetypes.XLS),
        (OLE, "letter.doc", filetypes.DOC),
        (b"KPI,Figure\r\nCS-K-002,86\r\n", "figures.csv", filetypes.CSV),
        ("Caf\u00e9 notes".encode("cp1252"), "notes.txt", filetypes.TEXT),
    ],
)
def test_it_reads_the_kind_from_the_contents(content, name, kind):
    assert filetypes.kind_of_bytes(content, name) == kind


@pytest.mark.parametrize(
    "content",
    [
        EXE,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 40,
        b"\xcf\xfa\xed\xfe" + b"\x00" * 40,
        b"#!/bin/sh\nrm -rf /\n",
    ],
)
@pytest.mark.parametrize("name", ["calls.pdf", "figures.xlsx", "notes.txt"])
def test_it_refuses_a_program_whatever_its_name(content, name):
    with pytest.raises(filetypes.Refused, match="This file is a program"):
        filetypes.kind_of_bytes(content, name)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (plain_zip(), "figures.xlsx"),
        (b"PK\x03\x04 not really a zip", "figures.xlsx"),
        (OLE, "figures.pdf"),
        (b"\x00\x01\x02\x03binary", "data.csv"),
        (b"", "empty.txt"),
        (bytes(range(128, 256)) * 4, "notes.txt"),
    ],
)
def test_it_refuses_contents_of_no_kind_accepted(content, name):
    with pytest.raises(filetypes.Refused):
        filetypes.kind_of_bytes(content, name)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("calls.pdf", "This file is named as a PDF but holds plain text"),
        ("photo.JPG", "This file is named as a JPEG image but holds plain text"),
        ("figures.xlsx", "This file is named as an Excel spreadsheet but holds plain text"),
        ("page.html", "A web page is not accepted as evidence: save or print it as a PDF."),
    ],
)
def test_it_refuses_text_named_as_another_kind_or_a_web_page(name, message):
    with pytest.raises(filetypes.Refused, match=message):
        filetypes.kind_of_bytes(b"<html><body>Calls answered: 95%</body></html>", name)


@pytest.mark.parametrize("name", ["notes.txt", "notes", "incidents.log", "figures.CSV"])
def test_it_accepts_text_named_as_text(name):
    kind = filetypes.kind_of_bytes(b"Calls answered: 95%\n", name)
    assert kind == (filetypes.CSV if name.endswith("CSV") else filetypes.TEXT)
