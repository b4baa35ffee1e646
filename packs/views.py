"""Committee packs as PDF, published packs and restatements."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kpis import extensions
from kpis.access import get_contract_for
from kpis.views.pack import pack_context
from packs import pdf


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def pack_pdf(request: HttpRequest, code: str, quarter: str) -> HttpResponse:
    """The live pack as PDF: the figures approved now, stamped with when it was made."""
    contract = get_contract_for(request.user, code)
    context = pack_context(contract, quarter, timezone.localdate())
    context["end_panels"] = extensions.panels("pack_end", request, **context)
    return _pdf_response(pdf.render_pdf(context), pdf.filename(context))
