"""The council's roles, held as Django groups (created by a migration), and what each may do.

Officers and managers act only on the contracts assigned to them; committee members read
everything and change nothing; superusers (administrators) may do everything.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OFFICER = "Contract officers", "Contract officer"
    MANAGER = "Contract managers", "Contract manager"
    COMMITTEE = "Committee members", "Scrutiny committee member"


def has_role(user, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    # Group names are cached on the user so that templates can ask repeatedly for free.
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return role.value in user._role_names


def assigned_contract_ids(user) -> set[int]:
    """The contracts assigned to this user, read once per request."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_assigned_contract_ids"):
        user._assigned_contract_ids = set(user.assignments.values_list("contract_id", flat=True))
    return user._assigned_contract_ids


def _is_assigned(user, contract) -> bool:
    return contract.pk in assigned_contract_ids(user)


def can_enter_figures(user, contract) -> bool:
    """Officers and managers enter figures for the contracts assigned to them."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not (has_role(user, Role.OFFICER) or has_role(user, Role.MANAGER)):
        return False
    return _is_assigned(user, contract)


def can_approve(user, contract) -> bool:
    """Managers approve, reopen and set targets for the contracts assigned to them."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return has_role(user, Role.MANAGER) and _is_assigned(user, contract)


can_set_targets = can_approve


def can_read_returns(user, contract) -> bool:
    """Returns are read by the committee and by those who work on the contract.

    An officer looking after another council's contract is not shown this one's work in
    progress: the pages answer 404 as if it did not exist.
    """
    if not user.is_authenticated:
        return False
    return user.is_superuser or has_role(user, Role.COMMITTEE) or can_enter_figures(user, contract)
