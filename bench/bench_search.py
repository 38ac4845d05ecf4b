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

It runs on the run's generated databases (bench/generate.py) of 100,000 and 1,000,000
statements, those of the run's --sizes; one in 1,000 statements carries the rare words, in
Japanese and, in its translation, English.
"""

from __future__ import annotations

import re

from django.db import connection

from apps.claims.models import Statement
from apps.claims.search import NEWEST, statements_found, statements_matching
from apps.site import selectors
from apps.site.generated_text import RARE_EN, RARE_JA
from bench.generate import selected_sizes, size_label, sized_database
from bench.table import Table
from bench.timing import timed_together

SIZES = (100_000, 1_000_000)
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


def _measure(table: Table, size: int) -> None:
    published = Statement.objects.published()
    ids = list(published.values_list("pk", flat=True)[:: max(1, size // 50)][:50])
    turn = iter(range(10**9))

    def floor() -> object:
        return list(Statement.objects.filter(pk=ids[next(turn) % len(ids)]))

    for query, label in QUERIES:
        matches = statements_matching(published, query).count()
        timings = timed_together(
            [
                floor,
                lambda q=query: statements_found(published, q, limit=LIMIT),  # type: ignore[misc]
                lambda q=query: selectors.search(q, LIMIT),  # type: ignore[misc]
            ],
            ROUNDS,
        )
        (_floor_median, floor_p95), statements, whole = timings
        indexes, used = _plan(query)
        table.add(
            size_label(size),
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
    sizes = [size for size in SIZES if size in selected_sizes()]
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
    for size in sizes:
        with sized_database(size) as world:
            _measure(table, size)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_size_pretty(pg_relation_size('claims_statement')), "
                    "pg_size_pretty(pg_relation_size('statement_search_trgm')), "
                    "pg_size_pretty(pg_relation_size('statement_search_bigrams'))"
                )
                statements, trgm, bigrams = cursor.fetchone()
            generated = f", generated in {world.seconds:.0f} s" if world.seconds else ""
            table.notes.append(
                f"{size_label(size)}: table {statements}, pg_trgm {trgm}, bigrams {bigrams}"
                f"{generated}."
            )
    skipped = [size_label(size) for size in SIZES if size not in sizes]
    if skipped:
        table.notes.append(f"Skipped {', '.join(skipped)}: not in this run's --sizes.")
    table.notes.append(
        f"The run's generated databases (bench/generate.py); {ROUNDS} rounds of the floor and "
        "each case in turn after one warm-up; 'whole search' is selectors.search (statements, "
        "sources, labs, models). The machine may be shared: compare the ratios."
    )
    return table
