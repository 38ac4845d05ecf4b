from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.ingest import services

DEMO_FEEDS = ("rss.xml", "atom.xml", "feed.json")


class Command(BaseCommand):
    help = "Register the demo feeds the local site serves at /demo-feeds/ (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--origin", default=settings.SITE_URL, help="where the site runs")
        parser.add_argument("--interval", type=int, default=5, help="minutes between polls")

    def handle(self, *args: Any, origin: str, interval: int, **options: Any) -> None:
        for name in DEMO_FEEDS:
            feed, created = services.feed_add(
                url=f"{origin.rstrip('/')}/demo-feeds/{name}", poll_interval_minutes=interval
            )
            if options["verbosity"]:
                self.stdout.write(("added " if created else "already there ") + feed.url)
