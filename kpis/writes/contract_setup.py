"""Setting up a new contract in the browser: the contract, and its creator assigned to it so that
they can go on to import its KPIs. Keyword-only, atomic, checked before anything is written."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from contracts.models import Assignment, Contract
from kpis.permissions import Action, may_create_contract

# The procurement's details, as the Procurement Act 2023's notices name them.
PROCUREMENT_FIELDS = (
    "procured_under_act",
    "estimated_value",
    "procurement_title",
    "procurement_identifier",
    "contract_identifier",
    "supplier_legal_name",
    "supplier_address",
    "supplier_email",
    "supplier_identifier",
)


def create_contract(*, user, **fields) -> Contract:
    """A new contract; a manager who creates it is assigned to it (administrators see all).

    Two at once with one code (the form sent twice): the second insert waits for the first,
    breaks the unique code and is tried again, when the model's own check names the code taken.
    """
    try:
        return _create_contract(user=user, **fields)
    except IntegrityError:
        return _create_contract(user=user, **fields)


@transaction.atomic
def _create_contract(
    *,
    user,
    code: str,
    name: str,
    authority: str,
    supplier: str,
    description: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    **procurement,
) -> Contract:
    """`procurement`: the fields of `PROCUREMENT_FIELDS`, which a contract under the Procurement
    Act 2023 gives its notices."""
    if not may_create_contract(user):
        raise PermissionDenied(
            f"You cannot {Action.CREATE_CONTRACT.label[0].lower()}"
            f"{Action.CREATE_CONTRACT.label[1:]}."
        )
    contract = Contract(
        code=code.strip(),
        name=name.strip(),
        authority=authority.strip(),
        supplier=supplier.strip(),
        description=description.strip(),
        start_date=start_date,
        end_date=end_date,
        **{
            name: value.strip() if isinstance(value, str) else value
            for name, value in procurement.items()
            if name in PROCUREMENT_FIELDS
        },
    )
    # The model's own rules: a unique code (a slug), required names, the end after the start.
    contract.full_clean()
    contract._history_user = user
    contract._change_reason = "Contract created"
    contract.save()
    if not user.is_superuser:
        assignment = Assignment(contract=contract, user=user)
        assignment._history_user = user
        assignment._change_reason = "Assigned to the contract they created"
        assignment.save()
        # The user's assignments are cached for the request: this one is new.
        if hasattr(user, "_assigned_contract_ids"):
            user._assigned_contract_ids.add(contract.pk)
        if hasattr(user, "_assigned_versions"):
            user._assigned_versions[contract.pk] = contract.data_version
    return contract
