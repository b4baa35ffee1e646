"""The council's roles, held as Django groups (created by a migration), and each user's part in a
contract.

Officers and managers act only on the contracts assigned to them; to every other contract they
are readers like anyone else signed in. What each part may do, quarter state by quarter state, is
the table in `kpis.permissions`.
"""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import connections, models, router
from django.db.models import CharField, IntegerField, Value

from contracts.compiled import STAND_IN_ID, compiled, filled, prepared


class Role(models.TextChoices):
    OFFICER = "Contract officers", "Contract officer"
    MANAGER = "Contract managers", "Contract manager"
    COMMITTEE = "Committee members", "Scrutiny committee member"


class Part(models.TextChoices):
    """What a user is to one contract: the rows of the permission table."""

    ADMINISTRATOR = "administrator", "Administrator"
    MANAGER = "manager", "Contract manager of the contract"
    OFFICER = "officer", "Contract officer of the contract"
    COMMITTEE = "committee", "Scrutiny committee member"
    OTHER = "other", "Anyone else signed in (officers and managers of other contracts, too)"


def has_role(user, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    # Group names are cached on the user so that templates can ask repeatedly for free.
    if not hasattr(user, "_role_names"):
        _read_roles_and_assignments(user)
    return role.value in user._role_names


@lru_cache(maxsize=4)
def _roles_and_assignments_query(db: str) -> tuple[str, tuple]:
    """The SQL reading a user's groups and assigned contracts, compiled once per process for a
    stand-in user: every page asks it, and compiling it took longer than running it."""
    user = get_user_model()(pk=STAND_IN_ID)
    groups = user.groups.values_list(
        "name", Value(None, output_field=IntegerField()), Value(None, output_field=IntegerField())
    )
    assignments = user.assignments.values_list(
        Value(None, output_field=CharField()), "contract_id", "contract__data_version"
    )
    return compiled(groups.using(db).union(assignments, all=True), db)


def _read_roles_and_assignments(user) -> None:
    """The user's groups and the contracts assigned to them, with their data versions, in one
    query: a page that asks the one nearly always asks the other (the part a user has in a
    contract comes from both), and the assignments of those with none cost nothing."""
    # Read where the contract's pages read (a replica, for a page that changes nothing), so that
    # the data versions kept on the user belong to the same snapshot as the page they key.
    where = router.db_for_read(user.assignments.model)
    sql, params = _roles_and_assignments_query(where)
    with connections[where].cursor() as cursor:
        cursor.execute(*prepared(sql, filled(params, one_id=user.pk), where))
        rows = cursor.fetchall()
    names: set[str] = set()
    versions: dict[int, int] = {}
    for name, contract_id, version in rows:
        if contract_id is None:
            names.add(name)
        else:
            versions[contract_id] = version
    user._role_names = names
    if not hasattr(user, "_assigned_contract_ids"):
        user._assigned_versions = versions
        user._assigned_contract_ids = set(versions)


def remember_roles_and_assignments(user) -> None:
    """Read the user's groups and assigned contracts, with the contracts' data versions, in one
    query unless they are read already, for `has_role`, `assigned_contract_ids` and
    `assigned_versions` to answer from: one person's work asks all three."""
    if user.is_authenticated and not hasattr(user, "_role_names"):
        _read_roles_and_assignments(user)


def remember_roles(users) -> None:
    """Read many users' groups in one query, for `has_role` to answer from without asking."""
    users = [u for u in users if not hasattr(u, "_role_names")]
    if not users:
        return
    through = users[0].groups.through
    names: dict[int, set[str]] = {u.pk: set() for u in users}
    for user_id, name in through.objects.filter(user__in=users).values_list(
        "user_id", "group__name"
    ):
        names[user_id].add(name)
    for user in users:
        user._role_names = names[user.pk]


def assigned_contract_ids(user) -> set[int]:
    """The contracts assigned to this user, read once per request.

    Their data versions come in the same query (`assigned_versions`), so that what is kept
    for this user's contracts (the count of "My work" in the header) is checked for nothing.
    """
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_assigned_contract_ids"):
        if hasattr(user, "_role_names"):
            versions = dict(user.assignments.values_list("contract_id", "contract__data_version"))
            user._assigned_versions = versions
            user._assigned_contract_ids = set(versions)
        else:
            _read_roles_and_assignments(user)
    return user._assigned_contract_ids


def assigned_versions(user) -> dict[int, int]:
    """The data version of each contract assigned to this user, read with their ids."""
    if not user.is_authenticated:
        return {}
    if not hasattr(user, "_assigned_versions") and not hasattr(user, "_role_names"):
        _read_roles_and_assignments(user)
    if not hasattr(user, "_assigned_versions"):
        # Ids remembered without versions (`remember_assignments`) are read again, with them.
        versions = dict(user.assignments.values_list("contract_id", "contract__data_version"))
        user._assigned_versions = versions
        user._assigned_contract_ids = set(versions)
    return user._assigned_versions


def remember_assignments(users, assignments) -> None:
    """Give each user the contracts assigned to them, from `assignments` already read (all of
    theirs), for `assigned_contract_ids` to answer from without asking."""
    for user in users:
        user._assigned_contract_ids = set()
    by_id = {user.pk: user for user in users}
    for assignment in assignments:
        by_id[assignment.user_id]._assigned_contract_ids.add(assignment.contract_id)


def part_in(user, contract_id: int) -> Part | None:
    """The user's part in a contract (by id), or None when not signed in.

    Worked out once per contract for the user of a request, however often a page asks the
    permission table, and kept on the user as the roles and assignments it comes from are.
    """
    if not user.is_authenticated:
        return None
    parts = user.__dict__.setdefault("_parts", {})
    if contract_id not in parts:
        parts[contract_id] = _work_out_part(user, contract_id)
    return parts[contract_id]


def _work_out_part(user, contract_id: int) -> Part:
    if user.is_superuser:
        return Part.ADMINISTRATOR
    # Only officers and managers have assignments that matter: others are spared the look-up.
    works = has_role(user, Role.MANAGER) or has_role(user, Role.OFFICER)
    if works and contract_id in assigned_contract_ids(user):
        if has_role(user, Role.MANAGER):
            return Part.MANAGER
        return Part.OFFICER
    if has_role(user, Role.COMMITTEE):
        return Part.COMMITTEE
    return Part.OTHER


def part_in_new_contract(user) -> Part | None:
    """The part a user would have in a contract they create, since its creator is assigned to
    it: a manager's or an officer's by their role."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Part.ADMINISTRATOR
    if has_role(user, Role.MANAGER):
        return Part.MANAGER
    if has_role(user, Role.OFFICER):
        return Part.OFFICER
    if has_role(user, Role.COMMITTEE):
        return Part.COMMITTEE
    return Part.OTHER


WORKERS = frozenset({Part.ADMINISTRATOR, Part.MANAGER, Part.OFFICER})


def works_on(user, contract) -> bool:
    """Whether the user enters or approves this contract's figures (and so sees its drafts)."""
    return part_in(user, contract.pk) in WORKERS


def contracts_worked_on(user) -> set[int] | None:
    """Ids of the contracts whose work in progress the user sees; None means every contract."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    if not (has_role(user, Role.MANAGER) or has_role(user, Role.OFFICER)):
        return set()
    return assigned_contract_ids(user)
