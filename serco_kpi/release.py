"""Which release of the code is running, for what is kept beyond a restart.

The live packs' PDFs stay on disk across a deploy, and what they print depends on the code (the
templates, the stylesheet, the status rules, WeasyPrint): keyed on the release, a new release
never serves a PDF an older one made. The git commit is not deployed, so unless `RELEASE` names
the release, it is a fingerprint of the source files, read once at start-up: the files the
running process loaded, even if someone changes them later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

# Beside the project's Python packages: what the pages are made of, and the pinned dependencies.
ALSO = ("templates", "static", "requirements", "pyproject.toml")
# Python packages the site never runs.
NOT_RUN = ("tests",)


def fingerprint(root: Path) -> str:
    """SHA-256 of every source file's path and content under `root`, in a fixed order."""
    digest = hashlib.sha256()
    for path in _sources(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _sources(root: Path) -> Iterator[Path]:
    packages = [
        p for p in root.iterdir() if (p / "__init__.py").is_file() and p.name not in NOT_RUN
    ]
    for top in sorted([*packages, *(root / name for name in ALSO)]):
        if top.is_file():
            yield top
        elif top.is_dir():
            # Compiled bytecode is written as the code runs: it is not the code.
            found = (p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            yield from sorted(found)
