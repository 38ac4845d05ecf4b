"""Fill one lab with a generated timeline, to see (and measure) a long record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.site.services import timeline_generate


class Command(BaseCommand):
    help = "Create N published statements for one generated lab (bulk), then its stance history."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--slug", default="synthetic-lab")
        parser.add_argument("--name", default="Synthetic Lab")

    def handle(self, *args: Any, count: int, slug: str, name: str, **options: Any) -> None:
        generated = timeline_generate(count=count, slug=slug, name=name)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(generated.statement_ids)} statements for {generated.company.name} "
                f"at {generated.company.get_absolute_url()}"
            )
        )
