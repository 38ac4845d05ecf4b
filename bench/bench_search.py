"""Search at 100,000 and 1,000,000 statements, English and Japanese, against a floor: an
indexed lookup by primary key through the same query layer, timed in the same rounds.

For each query: how many statements hold it; the p95 (and median) of the statement search as
the site runs it (apps/claims/search.py: the newest 20 exact matches, then near ones if fewer)
and of the whole search (selectors.search: statements, sources, labs and models, rows read);
each p95 over the floor's p95, beside the target of 20x; and the plan of the exact statement
query: the index it reads, and whether it reads any (no sequential scan of the statements).
The floor is ``Statement.objects.filter(pk=...)``, one row by its primary key, through the
ORM as the search goes; it and every case are timed in turns, one of each per round, so that
whatever else the machine does weighs on both alike.

It runs on a database of its own, created beside DATABASE_URL's and dropped at the end
(PostgreSQL only, bench/databases.py). The first 100,000 statements come from
timeline_generate (sentences of common and rare words in both languages, with a source cited
by every ten; apps/site/generated_text.py); the million is those rows copied nine more times in
SQL, each copy moved to another day, with the two search indexes dropped and built again
afterwards, as a bulk load would.

BENCH_SEARCH_SIZES (default "100000,1000000") picks the sizes, e.g. 100000 for a quick run.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from collections.abc import Callable

from django.db import connection, transaction

from apps.claims.models import Statement
from apps.claims.search import NEWEST, statements_found, statements_matching
from apps.site import selectors
from apps.site.generated_text import RARE_EN, RARE_JA
from apps.site.services import timeline_generate
from bench.databases import own_database
from bench.table import Table

GENERATED = 100_000
ROUNDS = 30
LIMIT = 20
TARGET = 20
QUERIES = [
    ("story", "English, the issue's"),
    ("オープン", "Japanese, the issue's"),
    ("公開", "two characters, common"),
    (RARE_JA, "two characters, rare"),
    ("学習データ", "five characters, common"),
    (f"{RARE_JA}と呼ばれる", "seven characters, rare"),
    ("inference code", "English, common"),
    (RARE_EN, "English, rare"),
    (RARE_EN[:4] + RARE_EN[5:], "English, a typo"),
    ("spokesprson", "English, a typo of a common word"),
]
SEARCH_INDEXES = {
    "statement_search_trgm": "USING gin (search_text gin_trgm_ops)",
    "statement_search_bigrams": "USING gin (aperture_bigrams(search_text))",
}


def _sizes() -> list[int]:
    raw = os.environ.get("BENCH_SEARCH_SIZES", f"{GENERATED},1000000")
    return sorted({int(size) for size in raw.split(",") if size.strip()})


def _rounds(actions: list[Callable[[], object]]) -> list[tuple[float, float]]:
    """Median and p95 (ms) of each action, timed in turns after one warm-up of each."""
    for action in actions:
        action()
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(ROUNDS):
        for index, action in enumerate(actions):
            start = time.perf_counter()
            action()
            times[index].append((time.perf_counter() - start) * 1000)
    found = []
    for series in times:
        series.sort()
        found.append((statistics.median(series), series[int(len(series) * 0.95) - 1]))
    return found


def _plan(query: str) -> tuple[str, str]:
    """(the indexes the exact statement query reads, "yes" if it reads no table whole)."""
    exact = statements_matching(Statement.objects.published(), query)
    sql, params = exact.order_by(*NEWEST)[:LIMIT].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    indexes = sorted(
        set(re.findall(r"(?:Index Scan(?: Backward)? using|Index Scan on) (\w+)", plan))
    )
    used = "no" if "Seq Scan on claims_statement" in plan or not indexes else "yes"
    return " ".join(indexes) or "-", used


def _grow_to(size: int, notes: list[str]) -> None:
    """Copy the generated rows until the table holds ``size``; rebuild the search indexes."""
    current = Statement.objects.count()
    copies = -(-(size - current) // current)  # ceil
    columns = [
        f.column
        for f in Statement._meta.concrete_fields
        if f.column not in {"id", "search_text", "import_key"} and not f.generated
    ]
    names = ", ".join(f'"{c}"' for c in columns)
    # Each copy on another day, so that a rare word's copies do not sit side by side in the
    # timeline (reading the newest rows first would find them all at once).
    values = names.replace('"occurred_on"', '"occurred_on" - floor(random() * 1000)::int')
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for name in SEARCH_INDEXES:
            cursor.execute(f"DROP INDEX {name}")
        start = time.perf_counter()
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            # The column names come from the model, not from input.
            f"INSERT INTO claims_statement ({names}) SELECT {values} FROM claims_statement, "  # noqa: S608
            "generate_series(1, %s) LIMIT %s",
            [copies, size - current],
        )
        # Run the deferred foreign-key checks now: an index cannot be built while they wait.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        copied = time.perf_counter() - start
        built = []
        for name, definition in SEARCH_INDEXES.items():
            start = time.perf_counter()
            cursor.execute(f"CREATE INDEX {name} ON claims_statement {definition}")
            built.append(f"{name} {time.perf_counter() - start:.0f} s")
        cursor.execute("ANALYZE claims_statement")
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size('statement_search_trgm')), "
            "pg_size_pretty(pg_relation_size('statement_search_bigrams')), "
            "pg_size_pretty(pg_relation_size('claims_statement'))"
        )
        trgm, bigrams, table = cursor.fetchone()
    notes.append(
        f"{size:,}: copied in {copied:.0f} s; indexes built: {', '.join(built)}; "
        f"sizes: table {table}, pg_trgm {trgm}, bigrams {bigrams}."
    )


def _measure(table: Table, size: int) -> None:
    published = Statement.objects.published()
    ids = list(published.values_list("pk", flat=True)[:: max(1, size // 50)][:50])
    turn = iter(range(10**9))

    def floor() -> object:
        return list(Statement.objects.filter(pk=ids[next(turn) % len(ids)]))

    for query, label in QUERIES:
        matches = statements_matching(published, query).count()
        timings = _rounds(
            [
                floor,
                lambda q=query: statements_found(published, q, limit=LIMIT),  # type: ignore[misc]
                lambda q=query: selectors.search(q, LIMIT),  # type: ignore[misc]
            ]
        )
        (_floor_median, floor_p95), statements, whole = timings
        indexes, used = _plan(query)
        table.add(
            f"{size:,}",
            f"{query} ({label})",
            f"{matches:,}",
            floor_p95,
            statements[1],
            f"{statements[1] / floor_p95:.1f}x",
            whole[1],
            f"{whole[1] / floor_p95:.1f}x",
            f"{used}: {indexes}",
        )


def run() -> Table:
    sizes = _sizes()
    table = Table(
        title=f"Search, newest {LIMIT} (ms, p95 of {ROUNDS} rounds); target p95 <= {TARGET}x floor",
        columns=[
            "statements",
            "query",
            "exact matches",
            "floor p95 (pk lookup)",
            "statements p95",
            "/ floor",
            "whole search p95",
            "/ floor",
            "index used (exact query)",
        ],
    )
    notes: list[str] = []
    with own_database("bench_search"):
        start = time.perf_counter()
        timeline_generate(count=min(GENERATED, sizes[0]), slug="bench-search", name="Bench")
        notes.append(
            f"{min(GENERATED, sizes[0]):,} generated in {time.perf_counter() - start:.0f} s."
        )
        with connection.cursor() as cursor:
            for name in [*SEARCH_INDEXES, "source_search_trgm", "source_search_bigrams"]:
                # What rows came in wait in GIN's pending list.
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
            cursor.execute("ANALYZE")
        for size in sizes:
            if Statement.objects.count() < size:
                _grow_to(size, notes)
            _measure(table, size)
    table.notes.append(
        f"database: {connection.vendor}, a fresh one dropped afterwards; {ROUNDS} rounds of the "
        "floor and each case in turn after one warm-up; 'whole search' is selectors.search "
        "(statements, sources, labs, models). The machine may be shared: compare the ratios."
    )
    table.notes.extend(notes)
    return table
