"""Evidence made straight in the database, and files of each kind, for tests about what is shown
and who may remove it (the writes that check who may attach are tested on their own)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evidence.models import Evidence

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode"


def xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("run.bat", "echo hello")
    return out.getvalue()


def upload(name: str = "calls.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def a_file(user, *, contract, name: str = "calls.pdf", content: bytes = PDF, **links) -> Evidence:
    row = Evidence(
        contract=contract,
        name=name,
        kind="pdf",
        size=len(content),
        description="Call logs for the quarter",
        added_by=user,
        added_at=timezone.now(),
        **links,
    )
    row.file.save(name, ContentFile(content), save=False)
    row.save()
    return row
