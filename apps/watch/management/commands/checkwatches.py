from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.watch.models import Watch
from apps.watch.services.watches import watches_check


class Command(BaseCommand):
    help = "Check the watched pages that are due (or --all) now, in this process (no worker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", help="every active watch, due or not")

    def handle(self, *args: Any, all: bool, **options: Any) -> None:
        outcomes = watches_check(everything=all, budget_seconds=float("inf"))
        for watch in Watch.objects.filter(active=True, checked_at__isnull=False):
            line = f"{watch.state:<12} {watch.url}"
            if watch.detail:
                line += f"  ({watch.detail})"
            self.stdout.write(line)
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        self.stdout.write(f"Checked: {summary or 'nothing was due'}.")
