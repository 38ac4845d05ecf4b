"""Rebuild labs' stance histories from the record, whole: a repair, never needed in use."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.catalog.models import Company
from apps.claims.services import stance_history_recompute


class Command(BaseCommand):
    help = (
        "Recompute every lab's stance history (or the named labs') from all its statements, "
        "rewriting the stored days and superseding changes that no longer hold."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slugs", nargs="*", help="Labs to rebuild (default: every lab).")

    def handle(self, *args: Any, slugs: list[str], **options: Any) -> None:
        labs = Company.objects.order_by("slug")
        if slugs:
            labs = labs.filter(slug__in=slugs)
            missing = sorted(set(slugs) - set(labs.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"No lab with the slug {', '.join(missing)}.")
        for lab in labs:
            created = stance_history_recompute(company=lab)
            self.stdout.write(f"{lab.slug}: {len(created)} new stance change(s)")
