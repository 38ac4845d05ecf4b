from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.ingest import services

from ._report import articles_ingest


class Command(BaseCommand):
    help = "Fetch and ingest article URLs now, in this process."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("urls", nargs="+", metavar="URL")

    def handle(self, *args: Any, urls: list[str], **options: Any) -> None:
        queued, refused = services.article_urls_add(urls=urls)
        for url, why in refused:
            self.stdout.write(self.style.ERROR(f"refused  {url}") + f"  {why}")
        stored, failed = articles_ingest(
            [row.pk for row in queued], stdout=self.stdout, style=self.style
        )
        self.stdout.write(f"{stored} stored, {failed + len(refused)} refused.")
