"""Committee packs as PDF, publishing them, and the packs published."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kpis.pages import panels
from kpis.permissions import Action
from kpis.permissions.fetch import get_contract_for, get_workable_contract_for
from kpis.reads.committee_pack import pack_context, pack_quarter
from packs import pdf, services
from packs.models import PublishedPack
from packs.restatements import restatements_for


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def pack_pdf(request: HttpRequest, code: str, quarter: str) -> HttpResponse:
    """The live pack as PDF: the figures approved now, stamped with when it was made, and
    rendered once for everyone until the contract's data changes (`pdf.live_pdf`)."""
    contract = get_contract_for(request.user, code)
    found = pack_quarter(contract, quarter)
    period = found[0]

    def render() -> bytes:
        context = pack_context(contract, quarter, timezone.localdate(), found=found)
        # Nothing of this request: the one copy is every reader's.
        context["end_panels"] = panels.panels("pack_end", None, **context)
        return pdf.render_pdf(context)

    return _pdf_response(pdf.live_pdf(contract, period, render), pdf.filename(contract, period))


@require_POST
@login_required
def publish(request: HttpRequest, code: str, quarter: str) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.PUBLISH)
    if request.POST.get("confirm") != "yes":
        return _confirm_publishing(request, contract, quarter)
    try:
        pack, created = services.publish_pack(contract=contract, quarter=quarter, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("committee_pack", contract.code, quarter)
    if created:
        messages.success(
            request, f"Published version {pack.version} of the pack for {pack.period}."
        )
    else:
        messages.info(
            request,
            f"Version {pack.version} of the pack for {pack.period} already holds these figures: "
            "nothing new was published.",
        )
    return redirect(pack)


def _confirm_publishing(request: HttpRequest, contract, quarter: str) -> HttpResponse:
    """Publishing is for good: asked once more, saying what it keeps."""
    period, _ = pack_quarter(contract, quarter)
    context = {
        "contract": contract,
        "heading": f"Publish the pack for {period.long_label}?",
        "explanation": [
            "Publishing keeps this pack's PDF and its figures as they are now, for good, at a "
            "permanent address: the committee's record of what it was given.",
            "A figure changed later is shown beside it as a restatement; the published pack "
            "never changes.",
        ],
        "button": "Yes, publish it",
        "action": request.path,
        "fields": [],
        "back": reverse("committee_pack", args=[contract.code, quarter]),
    }
    return render(request, "_confirm.html", context)


def _get_pack_for(user, code: str, pk: int, *, with_pdf: bool = False) -> PublishedPack:
    """A published pack of a contract the user may read, or 404.

    Published packs hold approved figures only, so whoever reads the contract may read them.
    """
    contract = get_contract_for(user, code)
    packs = PublishedPack.objects.select_related("period", "published_by")
    if not with_pdf:
        packs = packs.defer("pdf")
    pack = get_object_or_404(packs, contract=contract, pk=pk)
    pack.contract = contract
    return pack


@login_required
def published_pack(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    pack = _get_pack_for(request.user, code, pk)
    return render(request, "packs/published_pack.html", {"contract": pack.contract, "pack": pack})


@login_required
def published_pack_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The bytes stored when the pack was published, unchanged."""
    pack = _get_pack_for(request.user, code, pk, with_pdf=True)
    return _pdf_response(bytes(pack.pdf), pack.filename)


@login_required
def restatements(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    return render(
        request,
        "packs/restatements.html",
        {"contract": contract, "restatements": restatements_for(contract)},
    )
