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

The export is another process and must read committed rows: it reads the run's generated
database of each size (bench/generate.py), 100,000 and 1,000,000 statements, those of the
run's --sizes.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from apps.exports.conf import exports_conf
from bench.databases import database_url
from bench.generate import World, selected_sizes, size_label, sized_database
from bench.table import Table

ROOT = Path(__file__).resolve().parent.parent
SIZES = (100_000, 1_000_000)
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


def _measure(table: Table, world: World, work: Path) -> None:
    size = world.size
    build, rows = _build(database_url(), work / f"build-{size}")
    assert rows["statements"] == size, rows
    floor = _floor(size, work / f"build-{size}" / "statements.csv", work / f"f{size}.csv")
    all_rows = sum(rows.values())
    table.add(
        size_label(size),
        f"full build ({all_rows:,} rows in {len(rows)} tables, 4 files each)",
        build.seconds,
        size / build.seconds,
        build.peak_mb,
        build.bytes / 1e6,
    )
    table.add(
        size_label(size),
        f"floor: {size:,} constant rows, one CSV",
        floor.seconds,
        size / floor.seconds,
        floor.peak_mb,
        floor.bytes / 1e6,
    )
    table.notes.append(f"{size_label(size)}: {world.labs} labs.")


def run() -> Table | _Tables:
    sizes = [size for size in SIZES if size in selected_sizes()]
    table = Table(
        title="Bulk exports: a full build in its own process, against writing as many constant "
        "rows with the csv module (floor)",
        columns=["statements", "case", "seconds", "rows/s", "peak memory MB", "MB written"],
    )
    if connection.vendor != "postgresql":
        table.notes.append("Skipped: this benchmark needs PostgreSQL (DATABASE_URL).")
        return table
    gzip_table: Table | None = None
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for size in sizes:
            with sized_database(size) as world:
                _measure(table, world, work)
            if gzip_table is None:
                gzip_table = _gzip_levels(work / f"build-{size}" / "statements.csv")
                startup = _floor(0, work / f"build-{size}" / "statements.csv", work / "f0.csv")
            shutil.rmtree(work / f"build-{size}")
    if gzip_table is not None:
        table.add(
            "0",
            "startup alone: Django set up, nothing written",
            startup.seconds,
            "",
            startup.peak_mb,
            "",
        )
    skipped = [size_label(size) for size in SIZES if size not in sizes]
    if skipped:
        table.notes.append(f"Skipped {', '.join(skipped)}: not in this run's --sizes.")
    table.notes += [
        f"chunk size {CHUNK_SIZE}; the run's generated databases (bench/generate.py).",
        "rows/s counts statements; peak memory is the process's maximum resident set "
        "(interpreter and Django included, as in the floor). Bounded: the same at every size.",
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; EXPORTS_GZIP_LEVEL "
        f"{exports_conf().gzip_level}. The generator repeats its sentences, so its files "
        "compress better than the record's will.",
    ]
    return _Tables([table, gzip_table]) if gzip_table else table
