"""What the import commands share: who the import is made as, and reading the file."""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from kpis.imports.parse import MAX_BYTES


def importer(username: str | None):
    """The user the import is made as; the command line is an administrator's tool."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        person = users.filter(username=username).first()
        if person is None:
            raise CommandError(f"No active user is called {username!r}.")
        return person
    admins = list(users.filter(is_superuser=True)[:2])
    if len(admins) != 1:
        raise CommandError("Say who the import is made as: --user USERNAME.")
    return admins[0]


def read_file(file: Path, max_bytes: int = MAX_BYTES) -> tuple[bytes, int]:
    """No more of the file than the limit, and the whole file's size."""
    try:
        with file.open("rb") as f:
            return f.read(max_bytes + 1), os.fstat(f.fileno()).st_size
    except OSError as error:
        raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
