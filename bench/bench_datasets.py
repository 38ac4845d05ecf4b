"""Dataset imports: the three snapshots in ../shared/datasets imported from empty and again
unchanged, beside a floor measured in the same run (reading and parsing the same files, no
database), and the queries an import costs at several batch sizes.

Targets: all three from empty in under 60 s, and re-importing unchanged data in under 10 s, in
one process (one worker). Each import is the whole service, `dataset_import`: read, parse, plan,
bulk writes, matching to the catalogue and recording acts (with the stance recomputes they
cause). The queries per batch are counted around each call of the two batch writers
(`_records_create` for new records, `_records_update` for changed ones) at two batch sizes: the
same count at 100 and at 500 rows a batch means a batch costs a fixed number of queries, not
one per row. "Every record changed" re-imports after blanking the stored content hashes, so
that every record takes the update path.

Runs on DATABASE_URL inside a transaction rolled back at the end (seeded first, dataset tables
emptied inside it), so it leaves the database as it found it. The snapshots are looked up as
the tests do: APERTURE_SHARED_DIR, else ../shared.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from bench.table import Table

BATCH_SIZES = (100, 500)
#: The batch writers of apps.datasets.services, and where each finds its batch in its arguments.
BATCH_WRITERS = {"_records_create": 1, "_records_update": 0}


class _Rollback(Exception):
    pass


@dataclass
class _Tables:
    tables: list[Table]

    def render(self) -> str:
        return "\n\n".join(table.render() for table in self.tables)


@dataclass(frozen=True)
class _Measured:
    seconds: float
    queries: int
    records: int


def _counted[T](action: Callable[[], T]) -> tuple[T, float, int]:
    """``action()``'s result, its wall time and the queries it sent."""
    queries = 0

    def count(execute: Callable[..., object], sql: str, *args: object) -> object:
        nonlocal queries
        queries += 1
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
    return result, seconds, queries


@contextlib.contextmanager
def _batches_counted() -> Iterator[dict[str, list[tuple[int, int]]]]:
    """(rows, queries) of each call of each batch writer while the block runs."""
    from apps.datasets import services

    seen: dict[str, list[tuple[int, int]]] = {name: [] for name in BATCH_WRITERS}

    def counting(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            result, _, queries = _counted(functools.partial(original, *args, **kwargs))
            seen[name].append((len(args[BATCH_WRITERS[name]]), queries))
            return result

        return counted

    with contextlib.ExitStack() as stack:
        for name in BATCH_WRITERS:
            original = getattr(services, name)
            stack.enter_context(mock.patch.object(services, name, counting(name, original)))
        yield seen


def _spread(values: list[int]) -> str:
    return f"{min(values)}" if min(values) == max(values) else f"{min(values)}-{max(values)}"


def _empty() -> None:
    from apps.claims.models import RecordedAct
    from apps.datasets.models import Dataset, MatchDecision
    from apps.datasets.registry import DATASETS

    RecordedAct.objects.filter(origin__in=[info.name for info in DATASETS.values()]).delete()
    MatchDecision.objects.all().delete()
    Dataset.objects.all().delete()


def _import_all(sources: dict[str, Path]) -> dict[str, _Measured]:
    from apps.datasets.services import dataset_import

    measured = {}
    for key, path in sources.items():
        run, seconds, queries = _counted(
            functools.partial(dataset_import, dataset=key, source=str(path))
        )
        if run.state == "failed":
            raise RuntimeError(f"{key}: {run.error}")
        measured[key] = _Measured(seconds, queries, run.created + run.changed + run.unchanged)
    return measured


def _add(
    table: Table, label: str, measured: dict[str, _Measured], floor: float, target: str
) -> None:
    for key, item in measured.items():
        table.add(f"{label}: {key}", item.seconds, item.records, item.queries, "")
    total = sum(item.seconds for item in measured.values())
    table.add(
        f"{label}: all three",
        total,
        sum(item.records for item in measured.values()),
        sum(item.queries for item in measured.values()),
        "; ".join(filter(None, [target, f"{total / floor:.1f}x floor"])),
    )


def run() -> _Tables:
    from apps.datasets.extract import MAX_BYTES, SNAPSHOT_SOURCES
    from apps.datasets.models import DatasetRecord
    from apps.datasets.parsers import ParsedRecord
    from apps.datasets.registry import DATASETS
    from apps.datasets.sources import snapshot_from_path
    from tests.support.shared import shared_root

    root = shared_root() / "datasets"
    sources = {key: root / path for key, path in SNAPSHOT_SOURCES.items()}
    timing = Table(
        "Dataset imports: the three snapshots of ../shared/datasets, one process",
        ["case", "seconds", "records", "queries", "target"],
    )
    batches = Table(
        "Dataset imports: queries per batch of records written (all three datasets)",
        ["batch size", "records", "batches", "rows per batch", "queries per batch"],
    )
    missing = [str(path) for path in sources.values() if not path.exists()]
    if missing:
        timing.notes.append(f"skipped: {', '.join(missing)} absent (set APERTURE_SHARED_DIR)")
        return _Tables([timing, _growth(sources)])

    floor: dict[str, _Measured] = {}
    for key, path in sources.items():
        started = time.perf_counter()
        files = snapshot_from_path(path, max_bytes=MAX_BYTES).files
        parsed = list(DATASETS[key].parse(files))
        seconds = time.perf_counter() - started
        records = sum(1 for item in parsed if isinstance(item, ParsedRecord))
        floor[key] = _Measured(seconds, 0, records)
    floor_total = sum(item.seconds for item in floor.values())
    for key, item in floor.items():
        timing.add(f"read and parse only (floor): {key}", item.seconds, item.records, 0, "")
    timing.add(
        "read and parse only (floor): all three",
        floor_total,
        sum(item.records for item in floor.values()),
        0,
        "1.0x floor",
    )

    call_command("migrate", verbosity=0)
    try:
        with transaction.atomic():
            call_command("seed", verbosity=0)
            _empty()
            try:
                with transaction.atomic():
                    _add(timing, "import from empty", _import_all(sources), floor_total, "< 60 s")
                    again = _import_all(sources)
                    _add(timing, "re-import unchanged", again, floor_total, "< 10 s")
                    DatasetRecord.objects.update(content_hash="")
                    changed = _import_all(sources)
                    _add(
                        timing, "re-import, every record changed", changed, floor_total, "no target"
                    )
                    raise _Rollback
            except _Rollback:
                pass
            for size in BATCH_SIZES:
                try:
                    with transaction.atomic(), override_settings(DATASETS_BATCH_SIZE=size):
                        _empty()
                        with _batches_counted() as seen:
                            _import_all(sources)
                            DatasetRecord.objects.update(content_hash="")
                            _import_all(sources)
                        for name, label in [
                            ("_records_create", "new"),
                            ("_records_update", "changed"),
                        ]:
                            calls = seen[name]
                            batches.add(
                                f"{size} ({label} records)",
                                sum(rows for rows, _ in calls),
                                len(calls),
                                _spread([rows for rows, _ in calls]),
                                _spread([queries for _, queries in calls]),
                            )
                        raise _Rollback
                except _Rollback:
                    pass
            raise _Rollback
    except _Rollback:
        pass

    batches.notes.append(
        "queries counted around each batch writer call; the same figure at 100 and at 500 rows "
        "a batch means a batch costs a fixed number of queries, not one per row."
    )
    timing.notes.append(
        f"database: {connection.vendor}; seeded catalogue, dataset tables emptied; everything "
        "is rolled back afterwards. Import = dataset_import (read, parse, plan, bulk writes, "
        "matching, acts and stance recomputes)."
    )
    return _Tables([timing, batches, _growth(sources)])


def _growth(sources: dict[str, Path]) -> Table:
    """Issue 16: the import's growth at 2x and 4x the data (bench/datasets_growth.py)."""
    from apps.datasets.extract import SNAPSHOT_SOURCES
    from bench.datasets_growth import growth_table

    call_command("migrate", verbosity=0)
    try:
        with transaction.atomic():
            call_command("seed", verbosity=0)
            table = growth_table(sources, SNAPSHOT_SOURCES)
            raise _Rollback
    except _Rollback:
        pass
    return table
