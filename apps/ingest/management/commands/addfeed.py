from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.ingest import services


class Command(BaseCommand):
    help = "Add a feed (RSS, Atom or JSON Feed) to poll."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("url")
        parser.add_argument("--interval", type=int, default=30, help="minutes between polls")

    def handle(self, *args: Any, url: str, interval: int, **options: Any) -> None:
        try:
            feed, created = services.feed_add(url=url, poll_interval_minutes=interval)
        except ValidationError as error:
            raise CommandError(f"refused  {url}: {' '.join(error.messages)}") from error
        verb = "added" if created else "already known"
        self.stdout.write(
            self.style.SUCCESS(f"{verb}  {feed.url}")
            + f"  (feed {feed.pk}, every {feed.poll_interval_minutes} minutes)"
        )
