from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.ingest import services
from apps.ingest.models import Feed, Outcome

from ._report import articles_ingest


class Command(BaseCommand):
    help = "Poll the feeds that are due (or --all) now, in this process, and ingest new articles."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", help="every unpaused feed, due or not")

    def handle(self, *args: Any, all: bool, **options: Any) -> None:
        feeds = Feed.objects.filter(is_paused=False) if all else Feed.objects.due()
        total_stored = total_refused = 0
        for feed in feeds.order_by("id"):
            result = services.feed_poll(feed_id=feed.pk)
            if result.outcome == Outcome.ERROR:
                self.stdout.write(
                    self.style.ERROR(f"feed refused  {feed.url}") + f"  {result.message}"
                )
                continue
            if result.outcome == Outcome.UNCHANGED:
                self.stdout.write(f"feed unchanged  {feed.url}")
                continue
            self.stdout.write(
                self.style.SUCCESS(f"feed read  {feed.url}")
                + f"  {len(result.new_article_url_ids)} new entries"
            )
            for reason in result.refused:
                self.stdout.write(self.style.WARNING("  entry refused  ") + reason)
            stored, refused = articles_ingest(
                result.new_article_url_ids, stdout=self.stdout, style=self.style
            )
            total_stored += stored
            total_refused += refused + len(result.refused)
        self.stdout.write(
            f"Done at {timezone.now():%H:%M:%S}: {total_stored} articles stored, "
            f"{total_refused} refused."
        )
