"""The API's statements list against a floor: the same stack answering a constant JSON body.

The floor is GET /api/v1/ (the API's index: a constant document of links) through everything a
list goes through too: the edge middleware (rate limit in Redis, ETag, Last-Modified kept in
Redis, CORS), django-ninja, its schema validation and renderer. What a statements page costs on
top of it is the database and the presenting of its rows. Measured at each size the generator
(apps.site.services.timeline_generate) is asked for, growing the same record: 10,000 and
100,000 statements by default, more with BENCH_API_SIZES=10000,100000,1000000 (the generator
writes about 1,200 statements a second here, so 1M takes some 15 minutes).

Runs in one transaction on DATABASE_URL that is rolled back at the end, so it leaves nothing
behind. The queries column is the count for one request; it must not grow with the page size
or the record.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings

from apps.api.cursors import cursor_encode
from apps.claims.models import Statement
from apps.site.services import timeline_generate
from bench.table import Table

REPEAT = 60
DEFAULT_SIZES = "10000,100000"
LIMIT = 20


def _sizes() -> list[int]:
    return sorted(int(s) for s in os.environ.get("BENCH_API_SIZES", DEFAULT_SIZES).split(","))


def _queries(action: Callable[[], object]) -> int:
    queries: list[str] = []

    def count(execute: Callable[..., object], sql: str, *args: object) -> object:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        action()
    return len(queries)


def _measure_together(actions: list[Callable[[], object]]) -> list[tuple[float, float]]:
    """Median and p95 of each action, timed in turns (one of each per round), so that whatever
    else the machine is doing weighs on the floor and on the lists alike."""
    for action in actions:
        action()  # warm caches
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(REPEAT):
        for index, action in enumerate(actions):
            start = time.perf_counter()
            action()
            times[index].append((time.perf_counter() - start) * 1000)
    found = []
    for series in times:
        series.sort()
        found.append((statistics.median(series), series[int(len(series) * 0.95) - 1]))
    return found


class _Rollback(Exception):
    pass


def _get(client: Client, url: str, status: int = 200, **headers: str) -> Callable[[], object]:
    def action() -> object:
        response = client.get(url, headers=headers)
        assert response.status_code == status, (url, response.status_code)
        return response

    return action


def run() -> Table:
    call_command("migrate", verbosity=0)
    table = Table(
        title=f"API statements list against the floor endpoint, {LIMIT} per page (ms)",
        columns=["statements", "case", "median", "p95", "p95 / floor p95", "queries"],
    )
    client = Client()
    made = 0
    try:
        with (
            transaction.atomic(),
            override_settings(ALLOWED_HOSTS=["*"], API_RATE_LIMIT=10**9),
        ):
            for size in _sizes():
                started = time.perf_counter()
                timeline = timeline_generate(
                    count=size - made, slug=f"bench-api-{size}", name=f"Bench API {size}"
                )
                generated = time.perf_counter() - started
                new_rows, made = size - made, size
                # Fresh statistics on every table a page reads, as autovacuum keeps them: rows
                # written in this (uncommitted) transaction are invisible to autovacuum, and
                # without them the planner scans the whole statement-model table (70 ms at 1M).
                with connection.cursor() as cursor:
                    for table_name in (
                        "claims_statement",
                        "claims_citation",
                        "claims_source",
                        "claims_statement_ai_models",
                    ):
                        cursor.execute(f"ANALYZE {table_name}")  # fmt: skip
                total = Statement.objects.published().count()
                last = (
                    Statement.objects.published()
                    .order_by("-occurred_on", "-id")
                    .values_list("occurred_on", "id")[total - LIMIT - 1]
                )
                deep = cursor_encode("statements", *last)
                first = client.get(f"/api/v1/statements?limit={LIMIT}")
                cases = [
                    ("floor: GET /api/v1/ (constant body)", _get(client, "/api/v1/")),
                    ("page 1", _get(client, f"/api/v1/statements?limit={LIMIT}")),
                    ("page 1, limit=100", _get(client, "/api/v1/statements?limit=100")),
                    (
                        f"last page (statement {total - LIMIT + 1:,} on), by cursor",
                        _get(client, f"/api/v1/statements?limit={LIMIT}&cursor={deep}"),
                    ),
                    (
                        "page 1, lab and stance filters",
                        _get(
                            client,
                            f"/api/v1/statements?limit={LIMIT}&lab={timeline.company.slug}"
                            "&stance=mixed",
                        ),
                    ),
                    (
                        "page 1, If-None-Match (304)",
                        _get(
                            client,
                            f"/api/v1/statements?limit={LIMIT}",
                            304,
                            **{"If-None-Match": first["ETag"]},
                        ),
                    ),
                ]
                timings = _measure_together([action for _label, action in cases])
                floor_p95 = timings[0][1]
                for (label, action), (median, p95) in zip(cases, timings, strict=True):
                    table.add(f"{total:,}", label, median, p95, p95 / floor_p95, _queries(action))
                table.notes.append(
                    f"{total:,} statements: {new_rows:,} generated for it in {generated:.0f} s."
                )
            table.notes.append(
                f"database: {connection.vendor}; {REPEAT} rounds of every case in turn after one "
                "warm-up, through Django's test client (no network); the target is p95 within 3x "
                "of the floor's. "
                "The generated rows are rolled back afterwards."
            )
            raise _Rollback
    except _Rollback:
        pass
    return table
