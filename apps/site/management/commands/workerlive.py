"""`manage.py workerlive --worker alerts@HOST --max-age 300`: exit 0 if the worker consumed a
heartbeat probe within --max-age seconds, 1 if not (apps/site/liveness.py); it sends the next
probe either way. docker-compose.yml runs it as each worker's healthcheck."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.site.liveness import worker_liveness


class Command(BaseCommand):
    help = "Exit 1 when a Celery worker has not consumed a heartbeat probe within --max-age."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--worker", required=True, help="the worker's hostname, e.g. x@host")
        parser.add_argument("--max-age", type=float, default=300.0, help="seconds (default 300)")

    def handle(self, *args: Any, worker: str, max_age: float, **options: Any) -> None:
        liveness = worker_liveness(worker=worker, max_age=max_age)
        age = "never" if liveness.age is None else f"{liveness.age:.1f} s ago"
        if not liveness.live:
            self.stderr.write(f"{worker}: stale, last heartbeat {age} (max {max_age:g} s)")
            raise SystemExit(1)
        self.stdout.write(f"{worker}: live, last heartbeat {age}")
