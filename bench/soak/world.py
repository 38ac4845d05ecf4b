"""What the soak's background work feeds on, all on loopback, and the record it starts from.

- A local HTTP server: an RSS feed that links one new article every ``article_every`` seconds
  (each a distinct story made from the demo page, so ingestion stores it rather than folding it
  into an earlier one), two watched policy pages whose text changes every ``page_every``
  seconds, Epoch's demo CSV for the dataset sync, and the soak's own source page.
- A local SMTP server that counts the alert mails.
- The record: `manage.py seed` and the demo datasets, subscribers who follow everything, the
  feed, the watches and a lab of the soak's own ("Soak Lab"), whose statements the publisher
  publishes on a schedule so that fan-out has events to send.

Nothing here contacts another host: the workers run with FETCH_LOOPBACK_ONLY, and the seeded
sources (real URLs) are never due for a check during the run.
"""

from __future__ import annotations

import datetime
import io
import threading
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.support.feeds import demo_page, distinct_story
from tests.support.httpserver import LocalHTTPServer, RecordedRequest, Response
from tests.support.smtpserver import SMTPServer

__all__ = ["Publisher", "World"]

ROOT = Path(__file__).resolve().parents[2]
DATASETS_DEMO = ROOT / "apps" / "datasets" / "demo"
SOAK_LAB = "soak-lab"


class World:
    def __init__(self, *, article_every: float, page_every: float, subscribers: int) -> None:
        self.article_every = article_every
        self.page_every = page_every
        self.subscribers = subscribers
        self.http = LocalHTTPServer()
        self.smtp = SMTPServer()
        self.started = time.monotonic()
        self._story = demo_page("meta-open-closed-en.html")

    # -- servers ---------------------------------------------------------------------------

    def start(self) -> World:
        self.http.start()
        self.smtp.start()
        self.http.handle("/feed.xml", self._feed)
        for name in ("licence", "usage-policy"):
            self.http.handle(f"/policy/{name}", self._policy_page)
        self.http.route(
            "/datasets/epoch.csv",
            body=(DATASETS_DEMO / "epoch.csv").read_bytes(),
            content_type="text/csv; charset=utf-8",
        )
        self.http.route(
            "/sources/soak-lab-blog",
            body=b"<html><head><title>Soak Lab blog</title></head><body><main><h1>Soak Lab"
            b"</h1><p>Soak Lab publishes its weights.</p></main></body></html>",
        )
        return self

    def stop(self) -> None:
        self.http.stop()
        self.smtp.stop()

    def _feed(self, request: RecordedRequest) -> Response:
        """The newest ten articles, one more every ``article_every`` seconds."""
        newest = int((time.monotonic() - self.started) // self.article_every)
        items = []
        for number in range(max(0, newest - 9), newest + 1):
            path = f"/articles/{number}"
            body = distinct_story(self._story, f"soak-article-{number}")
            self.http.route(path, body=body)
            items.append(
                f"<item><title>Story {number}</title><link>{self.http.url(path)}</link>"
                f"<guid isPermaLink='false'>soak-{number}</guid></item>"
            )
        xml = (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Soak feed</title><link>{self.http.url('/')}</link>{''.join(items)}"
            "</channel></rss>"
        )
        return Response(headers={"Content-Type": "application/rss+xml"}, body=xml.encode())

    def _policy_page(self, request: RecordedRequest) -> Response:
        version = int((time.monotonic() - self.started) // self.page_every)
        name = request.path_only.rsplit("/", 1)[1]
        body = (
            f"<html><head><title>Soak Lab {name}</title></head><body><main class='policy'>"
            f"<h1>Soak Lab {name}</h1><p>Version {version} of the {name}.</p>"
            f"<p>Models may be used for research{' and commerce' * (version % 2)}.</p>"
            "</main></body></html>"
        )
        return Response(headers={"Content-Type": "text/html; charset=utf-8"}, body=body.encode())

    # -- the record ------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """What the worker and beat need to reach these servers."""
        return {
            **self.smtp.env(),
            "DATASETS_EPOCH_URL": self.http.url("/datasets/epoch.csv"),
            "DATASETS_MOT_URL": str(DATASETS_DEMO / "mot"),
            "DATASETS_OSAI_URL": str(DATASETS_DEMO / "osai"),
        }

    def record_load(self) -> None:
        """The seeded record, then what the soak adds to it (the database is the soak's own)."""
        from apps.alerts.models import Event, Subscriber, Subscription
        from apps.catalog.models import Company, Publisher, Source
        from apps.ingest.services import feed_add
        from apps.watch.models import SourceCheck
        from apps.watch.services.sources import source_checks_ensure
        from apps.watch.services.watches import watch_create

        quiet = io.StringIO()
        call_command("seed", verbosity=0, stdout=quiet)
        call_command("seed_demo_datasets", verbosity=0, stdout=quiet)
        lab, _ = Company.objects.get_or_create(slug=SOAK_LAB, defaults={"name": "Soak Lab"})
        publisher, _ = Publisher.objects.get_or_create(slug=SOAK_LAB, defaults={"name": "Soak Lab"})
        Source.objects.get_or_create(
            url=self.http.url("/sources/soak-lab-blog"),
            defaults={"title": "Soak Lab blog", "publisher": publisher, "kind": "primary"},
        )
        # The seeded sources are real URLs: checked some other day, never during the soak.
        source_checks_ensure()
        SourceCheck.objects.update(next_check_at=timezone.now() + datetime.timedelta(days=3650))
        feed_add(url=self.http.url("/feed.xml"), poll_interval_minutes=1)
        for name in ("licence", "usage-policy"):
            watch_create(
                url=self.http.url(f"/policy/{name}"),
                selector="main.policy",
                interval_minutes=1,
                company=lab,
            )
        now = timezone.now()
        # What loading the record announced was told before these readers subscribed: the
        # fan-out during the soak is of the soak's own events.
        Event.objects.filter(fanned_out_at__isnull=True).update(fanned_out_at=now)
        for number in range(self.subscribers):
            subscriber, _ = Subscriber.objects.get_or_create(
                email=f"reader-{number}@soak.example", defaults={"confirmed_at": now}
            )
            Subscription.objects.get_or_create(
                subscriber=subscriber,
                company=None,
                ai_model=None,
                defaults={"statements": True, "policy_changes": True},
            )
        connection.close()


class Publisher(threading.Thread):
    """Publishes a statement about Soak Lab every ``every`` seconds, as a reviewer would: each
    is a StatementPublished event (and may move the lab's stance), fanned out by the worker."""

    def __init__(self, *, every: float, source_url: str) -> None:
        super().__init__(name="soak-publisher", daemon=True)
        self.every = every
        self.source_url = source_url
        self.published = 0
        self.errors: list[str] = []
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=30)

    def run(self) -> None:
        from apps.catalog.models import Company, Source
        from apps.claims.services import statement_create, statement_publish

        stances = ["open", "leaning_open", "mixed", "leaning_closed", "closed"]
        try:
            while not self._halt.wait(self.every):
                try:
                    lab = Company.objects.get(slug=SOAK_LAB)
                    source = Source.objects.get(url=self.source_url)
                    statement = statement_create(
                        user=None,
                        company=lab,
                        kind="official",
                        stance=stances[self.published % len(stances)],
                        occurred_on=datetime.date.today()
                        - datetime.timedelta(days=1000 - self.published),
                        summary=f"Soak Lab statement {self.published + 1}.",
                        citations=[(source, "Soak Lab publishes its weights.")],
                        speaker_label="Soak Lab spokesperson",
                    )
                    statement_publish(statement=statement, user=None)
                    self.published += 1
                except Exception as error:
                    self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()
