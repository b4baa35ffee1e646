"""The upload, preview and confirm steps that every import follows, written once.

A template is downloaded and filled in; the upload is read (never more than the size allowed)
and previewed; a file that may be imported is then held in the session under a one-time token
until the user confirms, so that nothing is written before then. Confirming takes the file back
and leaves a receipt under its token: a second click of Confirm is told what the first did,
rather than that the file expired. One file and one receipt per kind of import are enough: only
the latest can be confirmed.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse

from contracts.models import Contract
from kpis.imports.parse import MAX_BYTES

EXPIRED = "That import has expired or was already done. Upload the file again."
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMAT_CHOICES = [("xlsx", "Excel (.xlsx)"), ("csv", "CSV")]


def template_download(body: str | bytes, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def read_upload(upload: UploadedFile) -> bytes:
    """The file's bytes, one past the limit at most: enough for the preview to refuse it."""
    return upload.read(MAX_BYTES + 1)


@dataclass(frozen=True)
class Held:
    """A file held for confirmation, with what its preview promised (`facts`)."""

    token: str
    filename: str
    content: bytes
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class HeldFiles:
    """The files of one kind of import held in the session, and the receipts of those done."""

    key: str

    @property
    def receipt_key(self) -> str:
        return f"{self.key}-done"

    def hold(
        self, request: HttpRequest, contract: Contract, filename: str, content: bytes, **facts
    ) -> str:
        token = secrets.token_urlsafe(16)
        # Held alone: a file held before, and not confirmed, is dropped.
        request.session[self.key] = {
            token: {
                "contract": contract.code,
                "filename": filename,
                "content": base64.b64encode(content).decode(),
                **facts,
            }
        }
        return token

    def take(self, request: HttpRequest, contract: Contract) -> Held | None:
        """The file the posted token holds for `contract`; or None, with a message saying why
        there is nothing to confirm (done already, and what it did, or expired)."""
        token = request.POST.get("token", "")
        pending = request.session.get(self.key, {}).get(token)
        if not pending or pending["contract"] != contract.code:
            done = request.session.get(self.receipt_key, {}).get(token) if token else None
            if done:
                messages.info(
                    request, f"That file was imported already, so nothing was done again. {done}"
                )
            else:
                messages.error(request, EXPIRED)
            return None
        facts = {k: v for k, v in pending.items() if k not in {"contract", "filename", "content"}}
        content = base64.b64decode(pending["content"])
        return Held(token=token, filename=pending["filename"], content=content, facts=facts)

    def drop(self, request: HttpRequest) -> None:
        request.session.pop(self.key, None)

    def done(self, request: HttpRequest, held: Held, text: str) -> None:
        """The file is used: drop it, keep the receipt and say what was done."""
        self.drop(request)
        request.session[self.receipt_key] = {held.token: text}
        messages.success(request, text)
