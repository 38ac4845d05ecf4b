"""`manage.py backup [--to DIR]`: one archive of the database and the export files; prints its
path (apps/site/backup.py says what is in it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.site.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Write one backup archive (pg_dump -Fc of DATABASE_URL plus the export files)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--to", type=Path, default=None, help="directory (default BACKUP_DIR)")

    def handle(self, *args: Any, to: Path | None, **options: Any) -> None:
        try:
            archive = backup_write(directory=to)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
