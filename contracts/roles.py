"""The council's roles, held as Django groups (created by a migration)."""

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


def can_enter_figures(user, contract) -> bool:
    """Officers and managers enter figures for the contracts assigned to them."""
    if user.is_superuser:
        return True
    if not (has_role(user, Role.OFFICER) or has_role(user, Role.MANAGER)):
        return False
    return contract.assignments.filter(user=user).exists()


def can_approve(user, contract) -> bool:
    if user.is_superuser:
        return True
    return has_role(user, Role.MANAGER) and contract.assignments.filter(user=user).exists()
