import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from contracts.models import Contract
from kpis.models import Kpi, Unit


def test_it_loads_the_seed_data_only_into_an_empty_database(db, capsys):
    call_command("load_seed_data")
    assert Contract.objects.count() == 3
    Contract.objects.filter(code="HERTS").delete()
    call_command("load_seed_data")
    assert Contract.objects.count() == 2
    assert "already held" in capsys.readouterr().out


def test_it_sets_up_the_demo_on_a_database_emptied_by_flush(db, settings):
    # `flush` keeps the tables but drops the rows the migrations made: units and role groups.
    call_command("flush", interactive=False)
    assert not Unit.objects.exists() and not Group.objects.exists()
    settings.DEBUG = True
    call_command("load_seed_data")
    call_command("create_demo_users", password="a-long-demo-password")
    assert Kpi.objects.filter(contract__code="ICT").count() == 19
    officer = get_user_model().objects.get(username="officer")
    assert list(officer.groups.values_list("name", flat=True)) == ["Contract officers"]


def test_it_creates_one_demo_user_per_role(seed, settings):
    settings.DEBUG = True
    call_command("create_demo_users", password="a-long-demo-password")
    call_command("create_demo_users", password="another-demo-password")  # updates, no duplicates
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"officer", "manager", "committee", "admin"}
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not users["officer"].is_staff
    assert users["officer"].check_password("another-demo-password")
    assert list(users["manager"].groups.values_list("name", flat=True)) == ["Contract managers"]
    assert set(users["officer"].assignments.values_list("contract__code", flat=True)) == {
        "PSSP",
        "ICT",
    }
    assert not users["committee"].assignments.exists()


def test_it_refuses_demo_users_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("create_demo_users", password="a-long-demo-password")
    assert not get_user_model().objects.exists()
    call_command("create_demo_users", password="a-long-demo-password", force=True)
    assert get_user_model().objects.count() == 4
