"""Statement search at 100,000 and 1,000,000 statements, Japanese and English words.

For each query: how many statements hold it, the time of the search as the site runs it (the
newest 20 matches, apps/claims/search.py) and the index the planner chose, beside two floors
measured in the same run on the same rows:

* "no index": the same substring match with index scans turned off (a sequential scan);
* "pg_trgm alone" (two-character queries): the substring match without the bigram condition,
  which is all a trigram index can be asked for; a two-character substring holds no trigram.

The first 100,000 statements come from timeline_generate (sentences of common and rare words in
both languages, apps/site/generated_text.py); the million is those rows copied nine more times
in SQL, each copy moved to another day, with the two search indexes dropped and built again
afterwards, as a bulk load would.
Everything runs in one transaction on DATABASE_URL that is rolled back at the end.

BENCH_SEARCH_SIZES (default "100000,1000000") picks the sizes, e.g. 100000 for a quick run.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import QuerySet

from apps.claims.models import Statement
from apps.claims.search import statements_matching
from apps.lib.search_text import search_normalize
from apps.site.generated_text import RARE_EN, RARE_JA
from apps.site.services import timeline_generate
from bench.table import Table

GENERATED = 100_000
REPEAT = 15
FLOOR_REPEAT = 3
LIMIT = 20
QUERIES = [
    ("公開", "two characters, common"),
    (RARE_JA, "two characters, rare"),
    ("学習データ", "five characters, common"),
    (f"{RARE_JA}と呼ばれる", "seven characters, rare"),
    ("inference code", "English, common"),
    (RARE_EN, "English, rare"),
]
SEARCH_INDEXES = {
    "statement_search_trgm": "USING gin (search_text gin_trgm_ops)",
    "statement_search_bigrams": "USING gin (aperture_bigrams(search_text))",
}


class _Rollback(Exception):
    pass


def _sizes() -> list[int]:
    raw = os.environ.get("BENCH_SEARCH_SIZES", f"{GENERATED},1000000")
    return sorted({int(size) for size in raw.split(",") if size.strip()})


def _timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    action()  # warm the caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.9) - 1)]


def _newest(queryset: QuerySet[Statement]) -> Callable[[], object]:
    def run() -> object:
        newest = queryset.order_by("-occurred_on", "-id")
        return list(newest.values_list("id", flat=True)[:LIMIT])

    return run


def _plan(queryset: QuerySet[Statement]) -> str:
    sql, params = queryset.order_by("-occurred_on", "-id")[:LIMIT].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in [*SEARCH_INDEXES, "statement_newest", "statement_timeline"]:
        if index in plan:
            return index
    return "sequential scan"


def _no_index(action: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        try:
            return action()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_indexscan = on")
                cursor.execute("SET LOCAL enable_bitmapscan = on")

    return run


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
    with connection.cursor() as cursor:
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
    for query, label in QUERIES:
        shipped = statements_matching(published, query)
        plain = published.filter(search_text__contains=search_normalize(query))
        matches = plain.count()
        median, p90 = _timed(_newest(shipped), REPEAT)
        floor, _ = _timed(_no_index(_newest(plain)), FLOOR_REPEAT)
        trgm_alone = "—"
        if len(query) == 2 and not query.isascii():
            trgm_alone = f"{_timed(_newest(plain), FLOOR_REPEAT)[0]:,.1f}"
        table.add(
            f"{size:,}",
            f"{query} ({label})",
            f"{matches:,}",
            median,
            p90,
            _plan(shipped),
            floor,
            trgm_alone,
        )


def run() -> Table:
    call_command("migrate", verbosity=0)
    sizes = _sizes()
    table = Table(
        title=f"Statement search, newest {LIMIT} matches (ms)",
        columns=[
            "statements",
            "query",
            "matches",
            "median",
            "p90",
            "index used",
            "no index (floor)",
            "pg_trgm alone",
        ],
    )
    notes: list[str] = []
    try:
        with transaction.atomic():
            timeline_generate(count=min(GENERATED, sizes[0]), slug="bench-search", name="Bench")
            with connection.cursor() as cursor:
                for name in SEARCH_INDEXES:  # what rows came in wait in GIN's pending list
                    cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
                cursor.execute("ANALYZE claims_statement")
            for size in sizes:
                if Statement.objects.count() < size:
                    _grow_to(size, notes)
                _measure(table, size)
            raise _Rollback
    except _Rollback:
        pass
    table.notes.append(
        f"database: {connection.vendor}; {REPEAT} runs each after one warm-up ({FLOOR_REPEAT} for "
        "the floors); every row rolled back afterwards."
    )
    table.notes.extend(notes)
    return table
