"""The release is named by RELEASE, or else by a fingerprint of the code the site runs."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from serco_kpi.release import fingerprint

ROOT = Path(__file__).resolve().parent.parent


def _project(root: Path) -> Path:
    for name, text in {
        "kpis/__init__.py": "",
        "kpis/rules/status.py": "MET = 'met'\n",
        "templates/packs/pack_pdf.html": "<h1>{{ contract.name }}</h1>\n",
        "packs/__init__.py": "",
        "packs/static/packs/pack-pdf.css": "h1 { color: black; }\n",
        "requirements/base.txt": "weasyprint==66.0\n",
        "tests/__init__.py": "",
        "tests/test_status.py": "def test_it(): pass\n",
        "docs/operations.md": "# Operating it\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_it_changes_with_the_templates_the_stylesheet_the_rules_and_the_requirements(tmp_path):
    root = _project(tmp_path)
    seen = {fingerprint(root)}
    for name in (
        "templates/packs/pack_pdf.html",
        "packs/static/packs/pack-pdf.css",
        "kpis/rules/status.py",
        "requirements/base.txt",
    ):
        with (root / name).open("a") as file:
            file.write("changed\n")
        seen.add(fingerprint(root))

    assert len(seen) == 5


def test_it_changes_when_a_file_is_renamed(tmp_path):
    root = _project(tmp_path)
    before = fingerprint(root)

    (root / "kpis/rules/status.py").rename(root / "kpis/rules.py")

    assert fingerprint(root) != before


def test_it_ignores_the_tests_the_docs_and_compiled_bytecode(tmp_path):
    root = _project(tmp_path)
    before = fingerprint(root)

    (root / "tests/test_status.py").write_text("def test_it(): assert True\n")
    (root / "docs/operations.md").write_text("# Operating it, again\n")
    (root / "kpis/__pycache__").mkdir()
    (root / "kpis/__pycache__/status.cpython-311.pyc").write_bytes(b"\x00compiled")

    assert fingerprint(root) == before


def _release(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    show = (
        "import django; django.setup(); from django.conf import settings; print(settings.RELEASE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", show],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "serco_kpi.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_is_the_source_files_fingerprint_unless_release_is_set():
    assert _release() == fingerprint(ROOT)
    name = f"2027.01-{secrets.token_hex(4)}"
    assert _release(RELEASE=name) == name
