"""`make backup` then `make restore` into an empty database gives back every row (PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from kpis.models import Reading
from kpis.writes import demo_data

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="pg_dump and pg_restore need PostgreSQL",
)


def _url(name: str) -> str:
    s = connection.settings_dict
    login = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{login}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _admin(sql: str) -> None:
    s = connection.settings_dict
    admin = psycopg2.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql)
    admin.close()


def _snapshot(cursor, tables: list[str]) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of all its rows in key order."""
    snapshot = {}
    for table in tables:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
            f'FROM "{table}" t'
        )
        snapshot[table] = cursor.fetchone()
    return snapshot


def _make(target: str, **env: str) -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", target],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_restores_every_contract_reading_and_history_record(transactional_db, seed, tmp_path):
    demo_data.generate(contracts=2, kpis=5, quarters=4)
    # Saved one by one, so that these changes leave history records behind.
    for reading in Reading.objects.exclude(value=None)[:10]:
        reading.commentary = "Checked against the supplier's monthly report."
        reading.save()
    tables = [
        t
        for t in connection.introspection.table_names()
        if t in {"contracts_contract", "kpis_reading"} or "historical" in t
    ]
    with connection.cursor() as cursor:
        before = _snapshot(cursor, tables)
    assert before["contracts_contract"][0] >= 5
    assert before["kpis_reading"][0] > 40
    assert before["kpis_historicalreading"][0] > 0
    dump = tmp_path / "kpi.dump"
    restored = f"{connection.settings_dict['NAME']}_restored"
    # The evidence files on the file system go beside the dump, and come back with it.
    evidence = tmp_path / "evidence" / "ICT"
    evidence.mkdir(parents=True)
    (evidence / "0123abcd.pdf").write_bytes(b"%PDF-1.4 the supplier's logs")
    _make(
        "backup",
        DATABASE_URL=_url(connection.settings_dict["NAME"]),
        BACKUP=str(dump),
        EVIDENCE_ROOT=str(tmp_path / "evidence"),
    )
    _admin(f'DROP DATABASE IF EXISTS "{restored}"')
    _admin(f'CREATE DATABASE "{restored}"')
    try:
        _make(
            "restore",
            DATABASE_URL=_url(restored),
            BACKUP=str(dump),
            EVIDENCE_ROOT=str(tmp_path / "restored-evidence"),
        )
        s = connection.settings_dict
        copy = psycopg2.connect(
            host=s["HOST"] or "127.0.0.1",
            port=s["PORT"] or 5432,
            user=s["USER"],
            password=s["PASSWORD"] or None,
            dbname=restored,
        )
        with copy.cursor() as cursor:
            after = _snapshot(cursor, tables)
        copy.close()
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')

    assert after == before
    kept = tmp_path / "restored-evidence" / "ICT" / "0123abcd.pdf"
    assert kept.read_bytes() == b"%PDF-1.4 the supplier's logs"
