"""The builder streams: its memory does not grow with the record, and files change atomically
under a reader's feet (a reader opens the old file or the new one, whole, never half of one)."""

from __future__ import annotations

import gc
import threading
import tracemalloc
from pathlib import Path

import pytest

from apps.exports.build import exports_build
from apps.site.services import timeline_generate
from tests.factories import company_make, statement_make
from tests.support.exports import build, csv_rows, jsonl_objects

pytestmark = pytest.mark.django_db

CHUNK = 250


def peak_memory_of_a_build(directory: Path) -> int:
    """The most memory Python held at once during a whole build, in bytes (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        exports_build(directory=directory, chunk_size=CHUNK, gzip_level=6)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


@pytest.mark.slow  # builds from 5,000 generated statements: seconds on its own
def test_the_builders_memory_does_not_grow_with_the_record(tmp_path: Path) -> None:
    timeline_generate(count=1_000, slug="small-lab", name="Small Lab")
    build(tmp_path / "warm-up", chunk_size=CHUNK)  # caches filled once (URLs, querysets)
    small = peak_memory_of_a_build(tmp_path / "small")
    timeline_generate(count=4_000, slug="large-lab", name="Large Lab")
    large = peak_memory_of_a_build(tmp_path / "large")

    assert len(jsonl_objects(tmp_path / "large" / "statements.jsonl")) == 5_000
    largest_file = max(path.stat().st_size for path in (tmp_path / "large").iterdir())
    # Five times the statements, and about the same peak: it holds a chunk, not the record,
    # and less than any one of its files.
    assert large < small * 1.5, (small, large)
    assert large < largest_file, (large, largest_file)


@pytest.mark.slow  # rebuilds from 2,000 generated statements while a reader reads
def test_a_reader_never_sees_half_a_file_while_the_files_are_rebuilt(exports_dir: Path) -> None:
    lab = company_make()
    timeline_generate(count=2_000, slug="busy-lab", name="Busy Lab")
    build(exports_dir)
    stop, building = threading.Event(), threading.Event()
    seen: list[tuple[int, bool]] = []
    errors: list[str] = []

    def read() -> None:
        while not stop.is_set():
            during_a_build = building.is_set()
            try:
                statements = jsonl_objects(exports_dir / "statements.jsonl")
                rows = csv_rows(exports_dir / "statements.csv.gz")  # a cut gzip would raise
            except Exception as error:
                errors.append(repr(error))
                return
            if len(rows) - 1 != len(statements) and not during_a_build:
                errors.append(f"{len(rows) - 1} CSV rows, {len(statements)} JSON lines")
            seen.append((len(statements), during_a_build))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(4):
            statement_make(company=lab, publish=True)  # each build has one statement more
            building.set()
            build(exports_dir)
            building.clear()
    finally:
        stop.set()
        reader.join(timeout=60)
    assert errors == []
    versions = {count for count, _ in seen}
    # Only whole versions (2,000 to 2,004 statements), and more than one of them.
    assert versions <= set(range(2_000, 2_005)) and len(versions) >= 2, versions
    assert sum(1 for _, during in seen if during) >= 4, "the reader must read while files change"
    assert not [path for path in exports_dir.iterdir() if path.name.startswith(".")]
