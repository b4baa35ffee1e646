"""The bench's database, users and sessions, shared by the speed bench and the load tests."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "serco_kpi_bench")
BENCH_PASSWORD = "bench-password-not-for-real-use"


def environment(floor_file: str = "") -> dict[str, str]:
    """Production settings, with loopback HTTP standing in for the TLS-terminating proxy."""
    return {
        "DJANGO_SETTINGS_MODULE": "tools.bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "BEHIND_TLS_PROXY": "1",
        # Hashed static names need collectstatic, which changes nothing a page costs.
        "STATIC_MANIFEST": "0",
        "LOG_LEVEL": "ERROR",
        "BENCH_FLOOR_FILE": floor_file,
    }


def recreate_database() -> None:
    import psycopg2

    parts = urlsplit(SERVER)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    connection.close()


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_user(username: str, role, contracts=()):
    """A user with a role's group, assigned to `contracts`."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from contracts.models import Assignment

    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(BENCH_PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    for contract in contracts:
        Assignment.objects.get_or_create(user=user, contract=contract)
    return user


def session_cookie(user) -> dict[str, str]:
    """Cookies of a signed-in browser, made without a sign-in (which throttling would count)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_workers(variable: str) -> int:
    """Gunicorn's workers for a run: the environment `variable`, else gunicorn's advice of two a
    core plus one."""
    return int(os.environ.get(variable, str((os.cpu_count() or 1) * 2 + 1)))


def start_gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "serco_kpi/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return wait_for_port("gunicorn", port, process, log)


def wait_for_port(name: str, port: int, process: subprocess.Popen, log) -> subprocess.Popen:
    """`process` once it answers on `port`, within 30 seconds."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped at start; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"{name} did not start within 30 seconds")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
