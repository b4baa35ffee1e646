"""Production settings: refused without a secret key, and clean under `check --deploy`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Only what a production deployment sets, so that nothing from the test run leaks in.
PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "kpi.example.gov.uk",
    "CSRF_TRUSTED_ORIGINS": "https://kpi.example.gov.uk",
    "DATABASE_URL": "postgres://kpi@db.example.internal:5432/kpi",
    "DJANGO_SETTINGS_MODULE": "serco_kpi.settings",
}


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_to_start_without_a_secret_key():
    result = _run(["-c", "import django; django.setup()"])

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_starts_with_a_secret_key():
    result = _run(["-c", "import django; django.setup()"], SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 0, result.stderr


def test_it_passes_check_deploy_with_production_settings():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=secrets.token_urlsafe(50),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_warns_check_deploy_when_https_is_turned_off():
    """The check above can fail: without HTTPS the same settings do get warnings."""
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=secrets.token_urlsafe(50),
        HTTPS_ONLY="0",
    )

    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


def test_it_refuses_a_wildcard_allowed_host():
    result = _run(
        ["-c", "import django; django.setup()"],
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="*",
    )

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the hosts" in result.stderr


def test_it_refuses_a_switch_it_cannot_read():
    result = _run(
        ["-c", "import django; django.setup()"],
        SECRET_KEY=secrets.token_urlsafe(50),
        BEHIND_TLS_PROXY="perhaps",
    )

    assert result.returncode != 0
    assert "BEHIND_TLS_PROXY must be true or false" in result.stderr


def test_it_waits_ten_seconds_for_the_mail_server_unless_told():
    show = "import django; django.setup(); from django.conf import settings as s; print(s.{})"
    told = {"SECRET_KEY": secrets.token_urlsafe(50)}

    assert _run(["-c", show.format("EMAIL_TIMEOUT")], **told).stdout.strip() == "10"
    result = _run(["-c", show.format("EMAIL_TIMEOUT")], **told, EMAIL_TIMEOUT="30")
    assert result.stdout.strip() == "30"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("EMAIL_TIMEOUT", "soon", "EMAIL_TIMEOUT must be a whole number, not 'soon'"),
        ("EMAIL_TIMEOUT", "0", "EMAIL_TIMEOUT must be 1 second or more"),
        ("EMAIL_SEND_DEADLINE", "later", "EMAIL_SEND_DEADLINE must be a whole number, not 'later'"),
        ("EMAIL_SEND_DEADLINE", "0", "EMAIL_SEND_DEADLINE must be 1 second or more"),
    ],
)
def test_it_refuses_a_mail_timeout_it_cannot_use(name, value, message):
    result = _run(
        ["-c", "import django; django.setup()"],
        SECRET_KEY=secrets.token_urlsafe(50),
        **{name: value},
    )

    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    "value, message",
    [
        ("lots", "PACK_PDF_FILES must be a whole number, not 'lots'"),
        ("0", "PACK_PDF_FILES must be 1 or more"),
        ("-20", "PACK_PDF_FILES must be 1 or more"),
    ],
)
def test_it_refuses_a_number_of_pack_pdfs_it_cannot_keep(value, message):
    result = _run(
        ["-c", "import django; django.setup()"],
        SECRET_KEY=secrets.token_urlsafe(50),
        PACK_PDF_FILES=value,
    )

    assert result.returncode != 0
    assert message in result.stderr


def test_it_keeps_a_thousand_pack_pdfs_unless_told():
    show = "import django; django.setup(); from django.conf import settings as s; "
    show += "print(s.CACHES['packs']['OPTIONS']['MAX_ENTRIES'])"
    told = {"SECRET_KEY": secrets.token_urlsafe(50)}

    assert _run(["-c", show], **told).stdout.strip() == "1000"
    assert _run(["-c", show], **told, PACK_PDF_FILES="50").stdout.strip() == "50"


def test_manage_py_says_what_the_settings_refuse_without_a_traceback():
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"])

    assert result.returncode != 0
    assert "The settings refused to load: SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "DEBUG=1" in result.stderr
    assert "Traceback" not in result.stderr
