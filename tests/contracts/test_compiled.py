"""Queries compiled once per process answer for whatever they are asked, as the ORM would."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group

from contracts import roles
from contracts.compiled import STAND_IN_ID, filled
from contracts.models import Contract
from contracts.roles import Role


def test_filled_puts_each_value_where_its_stand_in_was():
    kpis: list[int] = []
    quarters: list[int] = []
    look_alike: list[int] = []  # equal to the stand-ins, but not one of them
    params = ("a", kpis, STAND_IN_ID, quarters, look_alike, 7)
    assert filled(params, {id(kpis): (1, 2), id(quarters): [9]}, one_id=42) == [
        "a",
        [1, 2],
        42,
        [9],
        [],
        7,
    ]


def test_filled_leaves_the_stand_in_id_where_no_id_is_asked_for():
    assert filled((STAND_IN_ID, 3)) == [STAND_IN_ID, 3]


def _read(user) -> tuple[set[str], dict[int, int]]:
    fresh = get_user_model().objects.get(pk=user.pk)
    roles.remember_roles_and_assignments(fresh)
    return {r.value for r in Role if roles.has_role(fresh, r)}, roles.assigned_versions(fresh)


def _from_the_orm(user) -> tuple[set[str], dict[int, int]]:
    names = set(user.groups.values_list("name", flat=True))
    versions = dict(user.assignments.values_list("contract_id", "contract__data_version"))
    return names, versions


@pytest.mark.django_db
def test_roles_and_assignments_read_from_the_compiled_query_match_the_orm(
    officer, manager, committee_member, seed
):
    # Two roles for one person, and a contract's version moved on after the query was compiled.
    Group.objects.get(name=Role.COMMITTEE.value).user_set.add(manager)
    _read(officer)
    Contract.objects.filter(pk=seed["PSSP"].pk).touch()
    for user in (officer, manager, committee_member, officer):
        assert _read(user) == _from_the_orm(user)
    assert _read(manager)[0] == {Role.MANAGER.value, Role.COMMITTEE.value}
    assert _read(committee_member) == ({Role.COMMITTEE.value}, {})


@pytest.mark.django_db
def test_a_user_with_no_group_and_no_contract_has_no_roles(django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x" * 12)
    assert _read(nobody) == (set(), {})


def _fields(contract: Contract | None) -> dict | None:
    if contract is None:
        return None
    return {f.attname: getattr(contract, f.attname) for f in Contract._meta.concrete_fields}


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["officer", "committee_member", "admin_user", "anonymous"])
def test_a_contract_found_by_its_code_is_the_one_visible_to_finds(reader, request, seed):
    user = AnonymousUser() if reader == "anonymous" else request.getfixturevalue(reader)
    Contract.objects.filter(code="PSSP").touch()
    for code in ("PSSP", "ICT", "pssp", "stand in", "NOSUCH"):
        expected = Contract.objects.visible_to(user).filter(code=code).first()
        found = Contract.objects.visible_by_code(user, code)
        assert _fields(found) == _fields(expected)
    if reader != "anonymous":
        assert _fields(Contract.objects.visible_by_code(user, "PSSP")) is not None
