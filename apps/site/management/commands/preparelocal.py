"""Make what the first run keeps in var/: the folders and a secret key made once per checkout.

Importing settings writes nothing, so this is the one step that does: `make run` runs it
first (SQLite needs its folder before `migrate`) and runlocal runs it again before it starts the
web server, the worker and beat, which then all read the same var/secret_key. Running it again
changes nothing; an existing key is kept, so sessions and signed links stay valid.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def local_dirs_make() -> list[Path]:
    """Create var/ and the folders under it that the first run uses; return the new ones."""
    wanted = [
        Path(settings.VAR_DIR),
        Path(settings.STATIC_ROOT),
        Path(settings.BROKER_DIR, "queue"),
        Path(settings.BROKER_DIR, "control"),
    ]
    made = [path for path in wanted if not path.is_dir()]
    for path in wanted:
        path.mkdir(parents=True, exist_ok=True)
    return made


def local_secret_key_make() -> bool:
    """Write var/secret_key (owner-only) unless it exists; True when this call wrote it."""
    path = Path(settings.SECRET_KEY_FILE)
    try:
        # O_EXCL: two runs at once never overwrite each other's key; 0600 from the first byte.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(64))
    return True


class Command(BaseCommand):
    help = "Create var/ and a local secret key for the first run (safe to run again)."
    # The checks open the database, and SQLite's file cannot exist before its folder does.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "preparelocal is for the local first run; production takes its key from "
                "DJANGO_SECRET_KEY and keeps no state in var/."
            )
        say = self.stdout.write if options["verbosity"] else (lambda _message: None)
        for path in local_dirs_make():
            say(f"Created {path}")
        if os.environ.get("DJANGO_SECRET_KEY", "").strip():
            return  # the environment's key wins; a file would never be read
        if local_secret_key_make():
            say(f"Wrote a new secret key to {settings.SECRET_KEY_FILE}")
