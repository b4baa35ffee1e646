"""Publishing a committee pack."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn
from kpis.pages import panels
from kpis.permissions import Action, ReturnLocked, may_ever, require
from kpis.reads.committee_pack import pack_context
from kpis.writes import locks
from packs import pdf
from packs.models import PublishedPack
from packs.snapshot import snapshot

# Renders tried before giving up on a contract whose figures keep changing meanwhile.
RENDERS = 2
MOVED_ON_MESSAGE = (
    "The contract's figures changed while the pack was being made, so it was not published. "
    "Publish it again to publish the figures held now."
)


def not_approved_message(label: str) -> str:
    return (
        f"{label} cannot be published: its return is not approved. "
        "A pack is published from approved figures only, so a contract manager must approve "
        "the return first."
    )


@dataclass
class _Rendered:
    """A pack made, but not yet saved, from the figures of one version of the contract's data."""

    pack: PublishedPack
    data_version: int


def publish_pack(*, contract: Contract, quarter: str, user) -> tuple[PublishedPack, bool]:
    """Freeze the quarter's pack as it is now: its PDF, its data, who and when, checksums.

    Publishing the quarter again after its figures changed (after a reopen and a new approval,
    say) makes the next version; earlier versions stay as they were. Publishing what the latest
    version already prints makes nothing, however many people publish at once. Returns the pack
    and whether it was made now, as `get_or_create` does.

    The PDF takes seconds to render, so it is rendered before the return is locked; once locked,
    the return must still be approved and the contract's data still the version rendered.
    """
    if not may_ever(user, Action.PUBLISH, contract.pk):
        raise PermissionDenied("You cannot publish this contract's committee packs.")
    for _ in range(RENDERS):
        _check_publishable(_returns(contract, quarter).first(), user)
        rendered = _render(contract=contract, quarter=quarter, user=user)
        # Lock (kpis.writes.locks), then check and write: a reopening waits for the write, and a
        # second publication of the same quarter waits, then finds the first.
        with transaction.atomic():
            quarterly_return = _check_publishable(locks.lock_return(contract.pk, quarter), user)
            latest = (
                PublishedPack.objects.without_pdf()
                .filter(contract=contract, period=quarterly_return.period)
                .order_by("-version")
                .first()
            )
            if latest is not None and latest.printed_sha256 == rendered.pack.printed_sha256:
                return latest, False
            if _unchanged_since(rendered, latest):
                rendered.pack.save()
                return rendered.pack, True
    raise ValidationError(MOVED_ON_MESSAGE, code="moved_on")


def _returns(contract: Contract, quarter: str):
    return QuarterlyReturn.objects.select_related("period").filter(
        contract=contract, period__end_date=quarter
    )


def _check_publishable(quarterly_return: QuarterlyReturn | None, user) -> QuarterlyReturn:
    """The return, unless it is not approved or `user` may not publish it now."""
    if quarterly_return is None or quarterly_return.state != ReturnState.APPROVED:
        label = quarterly_return.period.label if quarterly_return else "This quarter"
        raise ReturnLocked(not_approved_message(label))
    require(user, Action.PUBLISH, quarterly_return)
    return quarterly_return


def _data_version(contract: Contract) -> int:
    return Contract.objects.filter(pk=contract.pk).values_list("data_version", flat=True).get()


def _render(*, contract: Contract, quarter: str, user) -> _Rendered:
    """The next version of the pack with its PDF, from the figures held now, outside any lock."""
    # Read before the figures, so that a change while rendering shows as a newer version.
    data_version = _data_version(contract)
    now = timezone.now()
    context = pack_context(contract, quarter, timezone.localdate(now))
    last = PublishedPack.objects.filter(contract=contract, period=context["period"]).aggregate(
        v=Max("version")
    )["v"]
    pack = PublishedPack(
        contract=contract,
        period=context["period"],
        version=(last or 0) + 1,
        published_by=user,
        published_at=now,
        data=snapshot(context),
    )
    context["published"] = pack
    context["end_panels"] = panels.panels("pack_end", None, **context)
    pack.pdf = pdf.render_pdf(context, produced=now)
    pack.sha256 = hashlib.sha256(pack.pdf).hexdigest()
    pack.printed_sha256 = pdf.printed_checksum(context)
    return _Rendered(pack, data_version)


def _unchanged_since(rendered: _Rendered, latest: PublishedPack | None) -> bool:
    """Whether the contract's data is still the version rendered, and the version number printed
    in the PDF still the next one (publishing moves the data version on too)."""
    next_version = (latest.version if latest else 0) + 1
    return (
        _data_version(rendered.pack.contract) == rendered.data_version
        and rendered.pack.version == next_version
    )
