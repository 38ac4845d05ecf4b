"""One soak run: a database of its own, the local servers, the stack, the load, the figures.

The database is created beside DATABASE_URL's (``<name>_soak``, evaluation/run.py's
own_database) and dropped at the end; Redis is REDIS_URL's, whose Celery queues are emptied
before and after, so that no task of the soak outlives it.
"""

from __future__ import annotations

import datetime
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench.soak.load import LoadGenerator
from bench.soak.report import Report, windows_of
from bench.soak.stack import Stack
from bench.soak.world import SOAK_LAB, Publisher, World

__all__ = ["SoakConfig", "soak_run"]

#: How often resident memory is read, in seconds.
RSS_EVERY = 5.0
_LOG_ERROR = re.compile(r"Traceback \(most recent call last\)|\bERROR\b|\bCRITICAL\b")


@dataclass(frozen=True)
class SoakConfig:
    seconds: float = 600.0
    window: float = 60.0
    rate: float = 10.0
    concurrency: int = 4
    web_workers: int = 2
    worker_concurrency: int = 2
    subscribers: int = 30
    publish_every: float = 20.0
    article_every: float = 20.0
    page_every: float = 120.0
    datasets_every: float = 120.0
    log_dir: Path = Path("test-output/soak")

    @property
    def warmup(self) -> float:
        """Memory is judged from here: a minute, or a quarter of a shorter run."""
        return min(60.0, self.seconds / 4)


def _free_port() -> int:
    from tests.support.smtpserver import free_port

    return free_port()


def _paths() -> list[str]:
    """The mix: home, lab and model pages, statements, search, the API, the Atom feed."""
    from apps.catalog.models import AIModel, Company
    from apps.claims.models import Statement

    labs = list(
        Company.objects.filter(slug__in=["meta", "openai", SOAK_LAB]).values_list("slug", flat=True)
    )
    labs += list(
        Company.objects.exclude(slug__in=labs).order_by("slug").values_list("slug", flat=True)[:3]
    )
    models = list(AIModel.objects.order_by("slug").values_list("slug", flat=True)[:3])
    statements = list(Statement.objects.published().order_by("pk").values_list("pk", flat=True)[:6])
    paths = ["/"]
    paths += [f"/labs/{slug}/" for slug in labs]
    paths += [f"/labs/{labs[0]}/why/", "/compare/", "/search/?q=open+weights", "/about/"]
    paths += [f"/models/{slug}/" for slug in models]
    paths += [f"/statements/{pk}/" for pk in statements]
    paths += ["/api/v1/labs", "/api/v1/statements", f"/api/v1/labs/{labs[0]}", "/feeds/all.atom"]
    return paths


def _env(config: SoakConfig, world: World, port: int, var_dir: Path) -> dict[str, str]:
    from tests.support.worker import database_url_for_tests

    return {
        **os.environ,
        **world.env(),
        "DATABASE_URL": database_url_for_tests(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "APERTURE_VAR_DIR": str(var_dir),
        "EXPORTS_DIR": str(var_dir / "exports"),
        "EXPORTS_TICK_SECONDS": "30",
        "EXPORTS_DEBOUNCE_SECONDS": "60",
        # The load comes from one address; the API's per-address limit would answer it 429.
        "API_RATE_LIMIT": "100000000",
        "FETCH_ALLOW_PRIVATE": "1",
        "FETCH_LOOPBACK_ONLY": "1",
        # 30 statements in ten minutes are more than the 10 instant mails a reader gets a day;
        # the rest would wait for tomorrow, and the soak would no longer send them.
        "ALERTS_MAX_INSTANT_MAILS_PER_DAY": "100000",
        "INGEST_TICK_SECONDS": "10",
        "WATCH_SYNC": "1",
        "WATCH_TICK_SECONDS": "15",
        "DATASETS_SYNC": "1",
        "DATASETS_SYNC_SECONDS": f"{config.datasets_every:g}",
        "LOG_FORMAT": "plain",
        "PYTHONUNBUFFERED": "1",
        "SOAK_QUEUES": ",".join(settings.TASK_QUEUE_NAMES),
    }


def _warm(load: LoadGenerator) -> list[str]:
    """Each path once before the clock starts, so the first window is not all first requests."""
    import http.client

    failures = []
    for path in load.paths:
        try:
            conn = http.client.HTTPConnection(load.host, load.port, timeout=60)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
        except OSError as error:
            status, path = 0, f"{path} ({error})"
        if status == 0 or status >= 400:
            failures.append(f"warm-up GET {path}: {status or 'no answer'}")
    return failures


def _background(
    world: World, publisher: Publisher, exports: Path, began: datetime.datetime
) -> dict[str, object]:
    """What the worker did while the load ran (the record's loading before it not counted)."""
    from apps.alerts.models import Delivery, DeliveryStatus, Event
    from apps.datasets.models import ImportRun
    from apps.ingest.models import Article
    from apps.watch.models import Watch, WatchSnapshot

    runs = dict.fromkeys(("ok", "partial", "failed"), 0)
    for state in ImportRun.objects.filter(started_at__gte=began).values_list("state", flat=True):
        runs[state] = runs.get(state, 0) + 1
    deliveries = {
        status: Delivery.objects.filter(created_at__gte=began, status=status).count()
        for status in DeliveryStatus.values
    }
    return {
        "articles ingested from the feed": Article.objects.filter(created_at__gte=began).count(),
        "dataset imports (ok / partial / failed)": (
            f"{runs['ok']} / {runs['partial']} / {runs['failed']}"
        ),
        "watched-page checks (pages checked / snapshots)": (
            f"{Watch.objects.filter(checked_at__isnull=False).count()} / "
            f"{WatchSnapshot.objects.filter(retrieved_at__gte=began).count()}"
        ),
        "statements published": publisher.published,
        "alert events": Event.objects.filter(created_at__gte=began).count(),
        "deliveries (" + " / ".join(deliveries) + ")": " / ".join(map(str, deliveries.values())),
        "mails the SMTP server accepted": len(world.smtp.messages),
        "export files written": sum(1 for p in exports.rglob("*") if p.is_file())
        if exports.exists()
        else 0,
    }


def _log_errors(stack: Stack, until: dict[str, int]) -> dict[str, int]:
    """Error lines each process logged until the load stopped (shutting down is not the soak)."""
    counts = {}
    for name, process in stack.processes.items():
        with process.log_path.open("rb") as log:
            text = log.read(until.get(name, 0)).decode(errors="replace")
        counts[name] = len(_LOG_ERROR.findall(text))
    return counts


def soak_run(config: SoakConfig, *, say: Callable[[str], object] = print) -> Report:
    from config.celery import app
    from evaluation.run import own_database

    log_dir = config.log_dir.resolve()
    log_dir.mkdir(parents=True, exist_ok=True)
    for old in log_dir.glob("*.log"):
        old.unlink()
    with own_database("soak"), tempfile.TemporaryDirectory(prefix="aperture-soak-") as var:
        world = World(
            article_every=config.article_every,
            page_every=config.page_every,
            subscribers=config.subscribers,
        ).start()
        port = _free_port()
        stack = Stack(
            port=port,
            env=_env(config, world, port, Path(var)),
            log_dir=log_dir,
            web_workers=config.web_workers,
            worker_concurrency=config.worker_concurrency,
        )
        publisher = Publisher(
            every=config.publish_every, source_url=world.http.url("/sources/soak-lab-blog")
        )
        load: LoadGenerator | None = None
        try:
            say(f"soak: loading the record into {connection.settings_dict['NAME']}")
            world.record_load()
            app.control.purge()
            stack.start(Path(var) / "celerybeat-schedule")
            stack.wait_ready(lambda name: bool(app.control.ping(destination=[name], timeout=1.0)))
            load = LoadGenerator(
                host="127.0.0.1",
                port=port,
                paths=_paths(),
                rate=config.rate,
                concurrency=config.concurrency,
            )
            errors = _warm(load)
            connection.close()
            say(f"soak: {len(load.paths)} paths, {config.rate:g}/s for {config.seconds:g} s")
            rss: dict[str, list[tuple[float, int]]] = {name: [] for name in stack.processes}
            began = timezone.now()
            publisher.start()
            load.start()
            while (elapsed := time.monotonic() - load.started) < config.seconds:
                for name, kb in stack.rss().items():
                    rss[name].append((round(elapsed, 1), kb))
                if dead := stack.dead():
                    errors.append(f"{', '.join(dead)} exited during the soak")
                    break
                time.sleep(min(RSS_EVERY, max(0.0, config.seconds - elapsed)))
            samples = load.stop()
            log_sizes = {name: process.log_size() for name, process in stack.processes.items()}
            for name, kb in stack.rss().items():
                rss[name].append((round(time.monotonic() - load.started, 1), kb))
            publisher.stop()
            errors += [f"{s.path}: {s.status or s.error}" for s in samples if s.failed]
            errors += [f"publishing: {e}" for e in publisher.errors]
            background = _background(world, publisher, Path(var) / "exports", began)
        finally:
            # Every step, even when one fails: no process, queue or session may outlive the run.
            steps = [
                load.stop if load is not None else None,
                publisher.stop if publisher.is_alive() else None,
                stack.stop,
                app.control.purge,
                world.stop,
                connection.close,
            ]
            for step in steps:
                try:
                    if step is not None:
                        step()
                except Exception as error:
                    say(f"soak: stopping: {type(error).__name__}: {error}")
    return Report(
        seconds=config.seconds,
        window=config.window,
        rate=config.rate,
        concurrency=config.concurrency,
        warmup=config.warmup,
        windows=windows_of(samples, seconds=config.seconds, window=config.window),
        rss=rss,
        errors=errors,
        background=background,
        log_errors=_log_errors(stack, log_sizes),
    )
