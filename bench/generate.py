"""Realistic data at a given size, generated in bulk SQL, in a database of its own per size.

    with sized_database(100_000) as world:   # a World: the size, the big lab, the counts
        ...                                  # the default connection now uses that database

A size is a number of published statements. Each size has a database beside DATABASE_URL's
(``<name>_size_<size>``), created from a migrated template, generated once and kept until
``drop_sized_databases()`` (``make bench`` calls it at the end unless ``--keep-data``), so that
every benchmark of a run, in any order, shares it. What it holds, at size N:

- one big lab (``bench-big``) with N/10 statements (100,000 at 1M), and N/2,000 other labs (at
  least 9) sharing the rest; three models per lab (every other statement concerns one);
- statements in English and Japanese (one in four quoted in Japanese, with an English
  translation; every other one with a Japanese summary), the texts of
  apps.site.generated_text (so one in 1,000 mentions the bench's rare words), spread over 1,000
  days, the stance drifting from open to closed; each published, citing one of N/10 sources
  (ten publishers); two in five linked to the lab's statement before (responds to, contradicts);
- the stance history (StanceDay, StanceChange) of the big lab and of the first other lab,
  computed by the services; the other labs have none (computing them all would triple the time
  at 1M); ``World.small_lab`` names the first one;
- N/10 confirmed alert subscribers, half reading Japanese, each told of the big lab's changes
  instantly (one in three follows everything, the others the big lab, and half of those another
  lab too, by daily digest): one change of the big lab fans out to all of them (bench_alerts,
  at 10,000 and 100,000); and N/100 dataset records over the three datasets.

Everything is INSERT ... SELECT generate_series: about 1M statements a minute here, most of it
in rebuilding the statement table's indexes (dropped during the insert, rebuilt after), then
VACUUM ANALYZE. Sizes are written 1k, 10k, 100k, 1m or as numbers (``parse_sizes``).
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.management import call_command
from django.db import connection

__all__ = [
    "DEFAULT_SIZES",
    "World",
    "drop_sized_databases",
    "parse_sizes",
    "selected_sizes",
    "size_label",
    "sized_database",
    "template_database",
]

DEFAULT_SIZES = [1_000, 10_000, 100_000, 1_000_000]
BIG_LAB = "bench-big"
#: The big lab holds one statement in BIG_SHARE.
BIG_SHARE = 10
STATEMENTS_PER_LAB = 2_000
POOL = 2_000  # texts per language; a multiple of RARE_EVERY keeps the rare words' frequency
DAYS = 1_000
VERSION = 2  # bump when what is generated changes: older databases are then regenerated

_created: set[str] = set()


@dataclass(frozen=True)
class World:
    size: int
    database: str
    big_lab: str
    big_lab_statements: int
    small_lab: str
    labs: int
    subscribers: int
    dataset_records: int
    #: Seconds spent generating (0.0 when an existing database was reused).
    seconds: float


def parse_sizes(text: str) -> list[int]:
    """'1k,10k,1m' -> [1000, 10000, 1000000]."""
    units = {"k": 1_000, "m": 1_000_000}
    sizes = []
    for part in text.replace(" ", "").lower().split(","):
        if part:
            unit = units.get(part[-1], 1)
            sizes.append(int(float(part.rstrip("km")) * unit))
    return sorted(set(sizes))


def selected_sizes() -> list[int]:
    """The sizes of this run: BENCH_SIZES (``make bench BENCH_ARGS="--sizes 1k,10k"`` sets it),
    by default all four."""
    return parse_sizes(os.environ.get("BENCH_SIZES", "")) or list(DEFAULT_SIZES)


def size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def _original_name() -> str:
    name: str = connection.settings_dict["NAME"]
    return name.split("_size_")[0]


def _exists(cursor: object, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])  # type: ignore[attr-defined]
    return cursor.fetchone() is not None  # type: ignore[attr-defined]


def _switch(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name


def template_database(original: str) -> str:
    """A migrated, empty database to create each size's from, and bench/databases.py's scratch
    ones (one migrate per run; a kept one from an earlier run is migrated forward, not made
    again)."""
    name = f"{original}_size_template"
    if name in _created:
        return name
    with connection.cursor() as cursor:
        if not _exists(cursor, name):
            cursor.execute(f'CREATE DATABASE "{name}"')
    _switch(name)
    try:
        call_command("migrate", verbosity=0)
    finally:
        _switch(original)
    _created.add(name)
    return name


def _stored_world(size: int) -> World | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_world')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(
            "SELECT big_lab, big_lab_statements, small_lab, labs, subscribers, dataset_records "
            "FROM bench_world WHERE size = %s AND version = %s",
            [size, VERSION],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    big_lab, big, small_lab, labs, subscribers, records = row
    database = connection.settings_dict["NAME"]
    return World(size, database, big_lab, big, small_lab, labs, subscribers, records, 0.0)


@contextlib.contextmanager
def sized_database(size: int) -> Iterator[World]:
    """The default connection on the database of ``size`` statements (generated if missing)
    for the duration; back on the configured one afterwards. PostgreSQL only."""
    original = _original_name()
    name = f"{original}_size_{size}"
    with connection.cursor() as cursor:
        exists = _exists(cursor, name)
    world = None
    if exists:
        _switch(name)
        world = _stored_world(size)
        _switch(original)
    if world is None:
        template = template_database(original)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    _created.add(name)
    _switch(name)
    try:
        if world is None:
            world = _generate(size)
        yield world
    finally:
        _switch(original)


def drop_sized_databases() -> None:
    """Drop every database sized_database made in this process (and the template)."""
    original = _original_name()
    _switch(original)
    with connection.cursor() as cursor:
        for name in sorted(_created):
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    _created.clear()


def _texts() -> dict[str, list[str]]:
    """POOL generated texts per language, the lab's name left as {name} for SQL to fill."""
    from apps.site.generated_text import texts_generate

    rng = random.Random(11)
    pools: dict[str, list[str]] = {}
    for language in ("en", "ja"):
        for n in range(POOL):
            texts = texts_generate(rng, n=n, name="{name}", language=language)
            for field in ("quote", "translation", "summary", "summary_ja"):
                pools.setdefault(f"{language}_{field}", []).append(getattr(texts, field))
    return pools


def _catalog(size: int) -> tuple[int, int]:
    """Labs, their models and the publishers, through the ORM (a few hundred rows); the temp
    tables bench_lab (k, id, name) and bench_model (company_id, k, id) for the SQL."""
    from apps.catalog.models import AIModel, Company, Publisher

    others = max(9, (size - size // BIG_SHARE) // STATEMENTS_PER_LAB)
    labs = [Company(slug=BIG_LAB, name="Bench Big Lab", is_lab=True)]
    labs += [
        Company(slug=f"bench-lab-{k}", name=f"Bench Lab {k}", is_lab=True)
        for k in range(1, others + 1)
    ]
    labs = Company.objects.bulk_create(labs)
    AIModel.objects.bulk_create(
        AIModel(slug=f"{lab.slug}-model-{n}", name=f"{lab.name} Model {n}", developer=lab)
        for lab in labs
        for n in range(3)
    )
    Publisher.objects.bulk_create(
        Publisher(slug=f"bench-wire-{n}", name=f"Bench Wire {n}", language="en" if n % 3 else "ja")
        for n in range(10)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_lab AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, "
            "id, name FROM catalog_company WHERE slug LIKE 'bench-%%'"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_model AS SELECT developer_id AS company_id, "
            "row_number() OVER (PARTITION BY developer_id ORDER BY id) - 1 AS k, id "
            "FROM catalog_aimodel"
        )
    return others, labs[1].pk


_STATEMENTS = """
INSERT INTO claims_statement (
    company_id, speaker_label, kind, stance, verification, quote, quote_language, translation,
    translation_language, occurred_on, date_precision, summary, summary_ja, state, published_at,
    retraction_reason, created_at, updated_at)
SELECT lab.id,
    CASE WHEN g %% 3 = 0 THEN 'People familiar with the matter' ELSE 'Spokesperson' END,
    (ARRAY['action','official','executive','unnamed_report','analysis'])[1 + (g * 7) %% 5],
    (ARRAY['open','leaning_open','mixed','leaning_closed','closed'])[
        1 + LEAST(4, GREATEST(0, round(4.0 * d / %(days)s + ((g * 31337) %% 5 - 2) * 0.5)))::int],
    (ARRAY['confirmed','reported','disputed','denied'])[1 + (g * 13) %% 4],
    replace(CASE WHEN ja THEN (%(ja_quote)s::text[])[i] ELSE (%(en_quote)s::text[])[i] END,
            '{name}', lab.name),
    CASE WHEN ja THEN 'ja' ELSE 'en' END,
    replace(CASE WHEN ja THEN (%(ja_translation)s::text[])[i]
                 ELSE (%(en_translation)s::text[])[i] END, '{name}', lab.name),
    CASE WHEN ja THEN 'en' ELSE 'ja' END,
    DATE '2022-01-01' + d, 'day',
    replace((%(en_summary)s::text[])[i], '{name}', lab.name),
    replace((%(en_summary_ja)s::text[])[i], '{name}', lab.name),
    'published', now(), '', now(), now()
FROM (
    SELECT g, g %% 4 = 0 AS ja, 1 + g %% %(pool)s AS i, ((g * 7919) %% %(days)s)::int AS d,
        CASE WHEN g %% %(share)s = 0 THEN 0 ELSE 1 + g %% %(others)s END AS k
    FROM generate_series(1::bigint, %(size)s) AS g
) AS s
JOIN bench_lab AS lab ON lab.k = s.k
"""

_AFTER = [
    # Sources: N/10 stories across ten publishers.
    """INSERT INTO claims_source (url, title, language, kind, published_at, snapshot_text,
        snapshot_hash, created_at, publisher_id, snapshot_content_type, snapshot_final_url,
        snapshot_raw)
    SELECT 'https://bench.example/story/' || g, 'Bench story ' || g,
        CASE WHEN g %% 3 = 0 THEN 'ja' ELSE 'en' END, 'secondary', now(), '', '', now(),
        (SELECT min(id) FROM catalog_publisher) + g %% 10, '', '', ''::bytea
    FROM generate_series(1, %(sources)s) AS g""",
    # One citation each.
    """INSERT INTO claims_citation (statement_id, source_id, excerpt)
    SELECT s.id, src.id, ''
    FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM claims_statement) AS s
    JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM claims_source) AS src
        ON src.n = s.n %% %(sources)s""",
    # Every other statement concerns one of its lab's three models.
    """INSERT INTO claims_statement_ai_models (statement_id, aimodel_id)
    SELECT s.id, m.id FROM claims_statement AS s
    JOIN bench_model AS m ON m.company_id = s.company_id AND m.k = (s.id / 2) %% 3
    WHERE s.id %% 2 = 0""",
    # Two in five respond to or contradict the lab's statement before them.
    """INSERT INTO claims_statementlink (kind, from_statement_id, to_statement_id)
    SELECT CASE WHEN n %% 5 = 1 THEN 'responds_to' ELSE 'contradicts' END, id, previous
    FROM (SELECT id, lag(id) OVER w AS previous, row_number() OVER w AS n
          FROM claims_statement WINDOW w AS (PARTITION BY company_id ORDER BY id)) AS s
    WHERE previous IS NOT NULL AND n %% 5 IN (1, 2)""",
    # Subscribers, confirmed, in both languages: every one told of the big lab's changes at
    # once (bench_alerts fans one out to all N/10), one in three through following everything.
    """INSERT INTO alerts_subscriber (email, language, confirmed_at, bounce_reason, created_at,
        link_key)
    SELECT 'reader' || g || '@bench.example', CASE WHEN g %% 2 = 0 THEN 'ja' ELSE 'en' END,
        now(), '', now(), md5(g::text)
    FROM generate_series(1, %(subscribers)s) AS g""",
    """INSERT INTO alerts_subscription (stance_changes, statements, model_status, frequency,
        created_at, company_id, subscriber_id, dataset_changes, policy_changes, commitments)
    SELECT true, true, true, 'instant', now(),
        CASE WHEN s.id %% 3 = 0 THEN NULL ELSE (SELECT id FROM bench_lab WHERE k = 0) END,
        s.id, true, true, false
    FROM alerts_subscriber AS s""",
    # ... and one in three follows another lab too, by daily digest.
    """INSERT INTO alerts_subscription (stance_changes, statements, model_status, frequency,
        created_at, company_id, subscriber_id, dataset_changes, policy_changes, commitments)
    SELECT true, true, true, 'daily', now(),
        (SELECT id FROM bench_lab WHERE k = 1 + s.id %% %(others)s), s.id, true, true, false
    FROM alerts_subscriber AS s WHERE s.id %% 3 = 2""",
    # Dataset records across the datasets, each about one lab.
    """INSERT INTO datasets_datasetrecord (key, version, read_at, raw, upstream_url,
        content_hash, dataset_id, company_id)
    SELECT 'bench-' || g, '1', now(),
        jsonb_build_object('name', 'Bench model ' || g, 'organization', lab.name,
            'parameters', g::bigint * 1000000,
            'release_date', (DATE '2022-01-01' + g %% 1000)::text),
        '', md5(g::text), d.id, lab.id
    FROM generate_series(1, %(records)s) AS g
    JOIN bench_lab AS lab ON lab.k = g %% (%(others)s + 1)
    JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM datasets_dataset) AS d
        ON d.n = g %% (SELECT count(*) FROM datasets_dataset)""",
]


def _generate(size: int) -> World:
    from apps.catalog.models import Company
    from apps.claims.services import stance_history_recompute

    started = time.perf_counter()
    others, small_lab_id = _catalog(size)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'claims_statement' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for index, _definition in indexes:
            cursor.execute(f'DROP INDEX "{index}"')
        params: dict[str, Any] = {
            "size": size,
            "share": BIG_SHARE,
            "others": others,
            "pool": POOL,
            "days": DAYS,
            **_texts(),
        }
        cursor.execute(_STATEMENTS, params)
        for _index, definition in indexes:
            cursor.execute(definition)
        counts = {
            "sources": max(1, size // 10),
            "subscribers": max(1, size // 10),
            "records": max(1, size // 100),
            "others": others,
        }
        for sql in _AFTER:
            cursor.execute(sql, counts)
        # VACUUM too: the visibility map autovacuum keeps lets the planner read a covering
        # index alone (index-only scans), as it would on a deployment's settled tables.
        cursor.execute("VACUUM ANALYZE")
    for lab in Company.objects.filter(pk__in=[small_lab_id]) | Company.objects.filter(slug=BIG_LAB):
        stance_history_recompute(company=lab)
    small_lab = Company.objects.get(pk=small_lab_id).slug
    big = size // BIG_SHARE
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_world (size bigint, version int, big_lab text, "
            "big_lab_statements bigint, small_lab text, labs int, subscribers bigint, "
            "dataset_records bigint, seconds float)"
        )
        seconds = time.perf_counter() - started
        cursor.execute(
            "INSERT INTO bench_world VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [size, VERSION, BIG_LAB, big, small_lab, others + 1, counts["subscribers"],
             counts["records"], seconds],
        )  # fmt: skip
        cursor.execute("ANALYZE")
    return World(
        size=size,
        database=connection.settings_dict["NAME"],
        big_lab=BIG_LAB,
        big_lab_statements=big,
        small_lab=small_lab,
        labs=others + 1,
        subscribers=counts["subscribers"],
        dataset_records=counts["records"],
        seconds=seconds,
    )
