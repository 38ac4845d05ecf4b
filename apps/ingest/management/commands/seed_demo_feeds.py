from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.ingest import services


class Command(BaseCommand):
    help = (
        "Register the demo feeds the local site serves at /demo-feeds/ (idempotent; feeds "
        "registered at another address move to this one)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--origin", default=settings.SITE_URL, help="where the site runs")
        parser.add_argument("--interval", type=int, default=5, help="minutes between polls")

    def handle(self, *args: Any, origin: str, interval: int, **options: Any) -> None:
        for feed, what in services.demo_feeds_register(
            origin=origin, poll_interval_minutes=interval
        ):
            if options["verbosity"]:
                self.stdout.write(f"{what} {feed.url}")
