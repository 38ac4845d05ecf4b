"""`manage.py restore ARCHIVE`: put a backup back into the database DATABASE_URL names (what is
there is replaced, in one transaction) and the export files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.site.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into DATABASE_URL's database and the export files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, archive: Path, **options: Any) -> None:
        try:
            manifest = backup_restore(archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = manifest.get("files")
        listed = ", ".join(map(str, files)) if isinstance(files, list) and files else "none"
        self.stdout.write(
            f"Restored {archive} (made {manifest.get('created')} from database "
            f"{manifest.get('database')}; files: {listed})."
        )
