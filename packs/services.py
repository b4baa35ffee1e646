"""Publishing a committee pack."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from contracts.models import Contract
from kpis import extensions, locks
from kpis.choices import ReturnState
from kpis.permissions import Action, ReturnLocked, may_ever, require
from kpis.views.pack import pack_context
from packs import pdf
from packs.models import PublishedPack
from packs.snapshot import snapshot


def not_approved_message(label: str) -> str:
    return (
        f"{label} cannot be published: its return is not approved. "
        "A pack is published from approved figures only, so a contract manager must approve "
        "the return first."
    )


@transaction.atomic
def publish_pack(*, contract: Contract, quarter: str, user) -> PublishedPack:
    """Freeze the quarter's pack as it is now: its PDF, its data, who and when, a checksum.

    Publishing the same quarter again (after a reopen and a new approval, say) makes the next
    version; earlier versions stay as they were.
    """
    # Locked (kpis.locks), so that the return cannot be reopened while its pack is being made.
    quarterly_return = locks.lock_return(contract.pk, quarter)
    if not may_ever(user, Action.PUBLISH, contract.pk):
        raise PermissionDenied("You cannot publish this contract's committee packs.")
    if quarterly_return is None or quarterly_return.state != ReturnState.APPROVED:
        label = quarterly_return.period.label if quarterly_return else "This quarter"
        raise ReturnLocked(not_approved_message(label))
    require(user, Action.PUBLISH, quarterly_return)
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
    context["end_panels"] = extensions.panels("pack_end", None, **context)
    pack.pdf = pdf.render_pdf(context, produced=now)
    pack.sha256 = hashlib.sha256(pack.pdf).hexdigest()
    pack.save()
    return pack
