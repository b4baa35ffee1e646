"""Named users for every role, shared by the whole suite."""

import json
import os
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from contracts.models import Assignment, Contract
from contracts.roles import Role
from tests import template_database
from tests.seed_data import load_seed

PASSWORD = "correct-horse-battery-staple"


def pytest_configure(config):
    # Hashing at full strength would make every sign-in in the suite slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
        "packs": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "packs"},
    }
    # Evidence files live in memory: nothing written beside the code, nothing left behind.
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    if config.getvalue("nomigrations"):
        template_database.copy_in_place_of_the_next_migrate()


@pytest.fixture(autouse=True)
def _no_cached_pages():
    """Each test's database starts again from the same versions: its pages must too."""
    from django.core.cache import caches

    caches["pages"].clear()
    caches["packs"].clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """With --no-migrations (`make mutation`) the tables are made from the models, without the
    rows the data migrations add: add them with the migrations' own functions.

    The empty database is kept first, for the next run in this process to start from a copy
    (tests/template_database.py).

    SQLite asks itself once per connection whether it has JSON functions, which pages reading
    small tables together use (`kpis.reads.together`): asked here, so that no test's count of
    queries depends on whether it runs first."""
    from django.db import connection

    with django_db_blocker.unblock():
        assert connection.features.supports_json_field
    if not request.config.getvalue("nomigrations"):
        return
    with django_db_blocker.unblock():
        template_database.keep()
        import_module("contracts.migrations.0002_roles").create_roles(apps, None)
        import_module("kpis.migrations.0006_units").add_shared_units(apps, None)


def pytest_collection_modifyitems(config, items):
    """Under `make mutation`, run the mutated module's own tests first, then the tests that need
    no database, then the quickest.

    A mutant is killed by the first test that fails (mutmut runs pytest with -x): its module's
    own tests and the pure status tests kill most of them before a page is ever rendered.
    """
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    stats = Path("mutmut-stats.json")
    durations = json.loads(stats.read_text())["duration_by_test"] if stats.exists() else {}

    def needs_database(item) -> bool:
        uses = {"db", "transactional_db"} & set(item.fixturenames)
        return bool(uses) or item.get_closest_marker("django_db") is not None

    own = _own_tests(os.environ["MUTANT_UNDER_TEST"])

    def is_own(item) -> bool:
        return bool(own) and Path(str(item.fspath)).name.startswith(own)

    items.sort(
        key=lambda item: (not is_own(item), needs_database(item), durations.get(item.nodeid, 0.0))
    )


# The test files written for each mutated module, which run first for its mutants: they are the
# likeliest to kill one, and far quicker than the page tests that would kill it too.
OWN_TESTS = {
    "fetch": "test_access",
    "open_data": "test_open_data",
    "opening": "test_services",
    "permissions": ("test_permission_table", "test_services_permissions"),
    "reported": "test_reported",
    "saving": "test_services",
    "scorecard": "test_scorecard",
    "sight": "test_visibility_rule",
    "status": "test_status",
    "status_sql": "test_status_sql",
    "summary": ("test_seed_counts", "test_table_4_3"),
    "workflow": "test_services",
}


def _own_tests(mutant: str) -> tuple[str, ...]:
    # "kpis.writes.saving.x_write_rows__mutmut_39" and "kpis.reads.summary.xǁCountsǁadd__mutmut_1".
    module = mutant.split(".x", 1)[0].rsplit(".", 1)[-1]
    own = OWN_TESTS.get(module, ())
    return (own,) if isinstance(own, str) else own


def _user(django_user_model, username: str, role: Role | None, contracts=(), **extra):
    user = django_user_model.objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), **extra
    )
    if role:
        # get_or_create: a transactional test empties every table, the migrated groups too.
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    for contract in contracts:
        Assignment.objects.create(user=user, contract=contract)
    return user


@pytest.fixture
def seed(db):
    """Both seed fixtures, as `make run` loads them."""
    load_seed()
    return {c.code: c for c in Contract.objects.all()}


@pytest.fixture
def officer(django_user_model, seed):
    return _user(django_user_model, "officer", Role.OFFICER, [seed["PSSP"], seed["ICT"]])


@pytest.fixture
def manager(django_user_model, seed):
    return _user(django_user_model, "manager", Role.MANAGER, [seed["PSSP"], seed["ICT"]])


@pytest.fixture
def committee_member(django_user_model, db):
    return _user(django_user_model, "committee", Role.COMMITTEE)


@pytest.fixture
def outsider(django_user_model, seed):
    """An officer who looks after another council's contract only."""
    return _user(django_user_model, "outsider", Role.OFFICER, [seed["HERTS"]])


@pytest.fixture
def admin_user(django_user_model, db):
    return django_user_model.objects.create_superuser(
        username="admin", password=PASSWORD, email="admin@example.org"
    )


@pytest.fixture
def client_for():
    """An API client signed in by token as `user`, the way a machine client calls."""

    def make(user) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
