"""Bulk exports: a full build of every file at 100,000 and at 1,000,000 published statements,
each in a process of its own, with its time and peak memory (the process's maximum resident
set, from the kernel), beside a floor measured in the same run: a process that starts Django the
same way and writes as many constant rows with the csv module (bench/exports_floor.py).

Bounded memory means the build's peak is the same at both sizes: it holds one chunk of rows
(EXPORTS_CHUNK_SIZE) at a time, never a table. Its time grows with the rows, as the floor's does;
the build writes every table (statements, one row per citation, labs, models, stance
histories ...) in CSV and JSON Lines, each gzipped too, so it writes several times the floor's
bytes. A second table times gzip at three levels on the statements CSV of the smaller build
(why EXPORTS_GZIP_LEVEL is 6).

The export is another process and must read committed rows, so this runs on a database of its
own, created beside DATABASE_URL's and dropped at the end (PostgreSQL only). The rows come from
the bench data generator, apps.site.services.timeline_generate (one lab's statements, each citing
a source, every other one naming a model); the larger size copies that lab's statements to more
labs in SQL, since generating a million through the ORM takes a quarter of an hour.

BENCH_EXPORTS_SIZES=100000 (comma-separated, each a multiple of the first) skips the million.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from apps.exports.conf import exports_conf
from bench.databases import own_database
from bench.table import Table

ROOT = Path(__file__).resolve().parent.parent
CHUNK_SIZE = 2000


@dataclass
class _Tables:
    tables: list[Table]

    def render(self) -> str:
        return "\n\n".join(table.render() for table in self.tables)


@dataclass(frozen=True)
class _Measured:
    seconds: float
    peak_mb: float
    bytes: int


def _sizes() -> tuple[int, ...]:
    sizes = tuple(
        int(size) for size in os.environ.get("BENCH_EXPORTS_SIZES", "100000,1000000").split(",")
    )
    if any(size % sizes[0] for size in sizes):
        raise SystemExit("BENCH_EXPORTS_SIZES: each size must be a multiple of the first.")
    return sizes


def _process(argv: list[str], *, env: dict[str, str], log: Path) -> tuple[float, float]:
    """Run a process to its end: (seconds, its own peak resident memory in MB)."""
    result = log.with_suffix(".json")
    with log.open("wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "bench.measure", str(result), *argv],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode:
        raise RuntimeError(f"{argv[1:3]} failed:\n{log.read_text()[-3000:]}")
    measured = json.loads(result.read_text())
    return measured["seconds"], measured["peak_kb"] / 1024


def _build(url: str, directory: Path) -> tuple[_Measured, dict[str, int]]:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    argv = [sys.executable, "manage.py", "buildexports", "--dir", str(directory)]
    argv += ["--chunk-size", str(CHUNK_SIZE)]
    seconds, peak = _process(argv, env=env, log=directory.with_suffix(".log"))
    manifest = json.loads((directory / "manifest.json").read_text())
    written = sum(item["bytes"] for item in manifest["files"])
    rows = {item["table"]: item["rows"] for item in manifest["files"]}
    return _Measured(seconds, peak, written), rows


def _floor(rows: int, like: Path, out: Path) -> _Measured:
    argv = [sys.executable, "-m", "bench.exports_floor", "--rows", str(rows)]
    argv += ["--like", str(like), "--out", str(out)]
    seconds, peak = _process(argv, env=dict(os.environ), log=out.with_suffix(".log"))
    return _Measured(seconds, peak, out.stat().st_size)


def _copy_lab(base_id: int, copies: int) -> None:
    """Copy the lab's statements, with their citations and models, to ``copies`` new labs."""
    from apps.catalog.models import Company
    from apps.claims.models import Citation, Statement

    statement = Statement._meta.db_table
    citation = Citation._meta.db_table
    through = Statement.ai_models.through._meta.db_table
    columns = ", ".join(
        str(field.column)
        for field in Statement._meta.concrete_fields
        if field.column not in ("id", "company_id", "import_key")
    )
    # The generator's summaries are unique within a lab: each pairs a copy with its original.
    pairs = (
        f"JOIN {statement} AS original ON original.id = related.statement_id "
        f"JOIN {statement} AS copy ON copy.summary = original.summary AND copy.company_id = %s "
        "WHERE original.company_id = %s"
    )
    with connection.cursor() as cursor:
        for n in range(1, copies + 1):
            lab = Company.objects.create(name=f"Bench Lab {n}", slug=f"bench-lab-{n}")
            cursor.execute(
                f"INSERT INTO {statement} (company_id, {columns}) "  # noqa: S608
                f"SELECT %s, {columns} FROM {statement} WHERE company_id = %s ORDER BY id",
                [lab.pk, base_id],
            )
            cursor.execute(
                f"INSERT INTO {citation} (statement_id, source_id, excerpt) "  # noqa: S608
                f"SELECT copy.id, related.source_id, related.excerpt FROM {citation} AS related "
                + pairs,
                [lab.pk, base_id],
            )
            cursor.execute(
                f"INSERT INTO {through} (statement_id, aimodel_id) "  # noqa: S608
                f"SELECT copy.id, related.aimodel_id FROM {through} AS related " + pairs,
                [lab.pk, base_id],
            )
        cursor.execute("ANALYZE")


def _gzip_levels(path: Path) -> Table:
    data = path.read_bytes()
    table = Table(
        title=f"gzip levels on statements.csv of the smaller build ({len(data) / 1e6:,.1f} MB)",
        columns=["level", "seconds", "MB/s", "compressed to"],
    )
    for level in (1, 6, 9):
        start = time.perf_counter()
        size = len(gzip.compress(data, compresslevel=level, mtime=0))
        seconds = time.perf_counter() - start
        table.add(level, seconds, len(data) / 1e6 / seconds, f"{size / len(data):.1%}")
    return table


def run() -> Table | _Tables:
    from apps.catalog.models import Company
    from apps.site.services import timeline_generate

    sizes = _sizes()
    table = Table(
        title="Bulk exports: a full build in its own process, against writing as many constant "
        "rows with the csv module (floor)",
        columns=["statements", "case", "seconds", "rows/s", "peak memory MB", "MB written"],
    )
    if connection.vendor != "postgresql":
        table.notes.append("Skipped: this benchmark needs PostgreSQL (DATABASE_URL).")
        return table
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch, own_database("bench_exports") as url:
        work = Path(scratch)
        generated = timeline_generate(count=sizes[0], slug="bench-lab-0", name="Bench Lab 0")
        generate_seconds = time.perf_counter() - started
        copied = 1
        gzip_table: Table | None = None
        startup = _Measured(0.0, 0.0, 0)
        for size in sizes:
            if size // sizes[0] > copied:
                _copy_lab(generated.company.pk, size // sizes[0] - copied)
                copied = size // sizes[0]
            build, rows = _build(url, work / f"build-{size}")
            assert rows["statements"] == size, rows
            floor = _floor(size, work / f"build-{size}" / "statements.csv", work / f"f{size}.csv")
            all_rows = sum(rows.values())
            table.add(
                f"{size:,}",
                f"full build ({all_rows:,} rows in {len(rows)} tables, 4 files each)",
                build.seconds,
                size / build.seconds,
                build.peak_mb,
                build.bytes / 1e6,
            )
            table.add(
                f"{size:,}",
                f"floor: {size:,} constant rows, one CSV",
                floor.seconds,
                size / floor.seconds,
                floor.peak_mb,
                floor.bytes / 1e6,
            )
            if gzip_table is None:
                gzip_table = _gzip_levels(work / f"build-{size}" / "statements.csv")
                startup = _floor(0, work / f"build-{size}" / "statements.csv", work / "f0.csv")
        labs = Company.objects.count()
    table.add(
        "0",
        "startup alone: Django set up, nothing written",
        startup.seconds,
        "",
        startup.peak_mb,
        "",
    )
    table.notes += [
        f"chunk size {CHUNK_SIZE}; database: PostgreSQL, a scratch database dropped afterwards; "
        f"{labs} labs; {sizes[0]:,} statements generated in {generate_seconds:.0f} s, the rest "
        "copied in SQL.",
        "rows/s counts statements; peak memory is the process's maximum resident set "
        "(interpreter and Django included, as in the floor). Bounded: the same at every size.",
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; EXPORTS_GZIP_LEVEL "
        f"{exports_conf().gzip_level}. The generator repeats its sentences, so its files "
        "compress better than the record's will.",
    ]
    return _Tables([table, gzip_table]) if gzip_table else table
