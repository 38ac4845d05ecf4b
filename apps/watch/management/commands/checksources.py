from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.watch.models import SourceCheck
from apps.watch.services.sources import sources_check


class Command(BaseCommand):
    help = (
        "Archive cited sources that have no archive and check sources for link rot, in this "
        "process (no worker): the due ones, --all, or those at the URLs given."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("urls", nargs="*", help="check only the sources at these URLs")
        parser.add_argument("--all", action="store_true", help="every cited source, due or not")

    def handle(self, *args: Any, urls: list[str], all: bool, **options: Any) -> None:
        outcomes = sources_check(urls=urls, everything=all, budget_seconds=float("inf"))
        checks = SourceCheck.objects.select_related("source").order_by("source__url")
        if urls or all:
            for check in checks.filter(checked_at__isnull=False):
                line = f"{check.state:<12} {check.source.url}"
                if check.moved_to:
                    line += f"  -> {check.moved_to}"
                if check.detail:
                    line += f"  ({check.detail})"
                self.stdout.write(line)
        summary = ", ".join(f"{n} {state}" for state, n in sorted(outcomes.items()))
        self.stdout.write(f"Checked: {summary or 'nothing was due'}.")
