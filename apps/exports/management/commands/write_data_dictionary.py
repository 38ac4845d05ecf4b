"""Write docs/data-dictionary.md from apps/exports/dictionary/: `manage.py write_data_dictionary`.

With --check it only says whether the file is current (exit status 1 when it is not).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.exports.markdown import dictionary_markdown

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "data-dictionary.md"


class Command(BaseCommand):
    help = "Write docs/data-dictionary.md from the exports' one definition of their columns."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Only check; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = dictionary_markdown()
        current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
        if options["check"]:
            if current != text:
                raise CommandError(
                    f"{DOCUMENT} is out of date: run manage.py write_data_dictionary."
                )
            self.stdout.write(f"{DOCUMENT} is current.")
            return
        DOCUMENT.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {DOCUMENT}.")
