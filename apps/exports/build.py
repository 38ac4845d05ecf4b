"""Building every export from one consistent read of the record, and the manifest that lists them.

All tables are read in one transaction (REPEATABLE READ on PostgreSQL), so statements and their
sources, labs and their stance histories agree with each other whatever is published meanwhile.
Each file is written under a temporary name (writer.py); only when every table is written are
they renamed into place, and the manifest last, so that a failed build leaves the previous files
and manifest as they were and a reader never opens half a file.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from .dictionary import ATTRIBUTION, LICENCE, LICENCE_URL, TABLES
from .selectors import ROWS
from .writer import TEMP_SUFFIX, WrittenFile, table_write

MANIFEST_NAME = "manifest.json"
MANIFEST_MEDIA_TYPE = "application/json"
#: Bumped when the manifest's own shape changes (not when a table gains a column).
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Built:
    built_at: datetime.datetime
    seconds: float
    rows: int
    files: list[WrittenFile]


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One transaction for every table; on PostgreSQL a repeatable, read-only snapshot.

    Inside a transaction the caller already holds (a test's), the caller's isolation stands.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def temp_files_remove(directory: Path) -> int:
    """Remove what a build that died left half-written. Only one build runs at a time (the
    claim in services.py), so every temporary file found before one starts is an orphan."""
    removed = 0
    for path in directory.glob(f".*{TEMP_SUFFIX}"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def exports_build(*, directory: Path, chunk_size: int, gzip_level: int) -> Built:
    """Write every table of dictionary.TABLES to ``directory`` and the manifest beside them."""
    directory.mkdir(parents=True, exist_ok=True)
    temp_files_remove(directory)
    started = time.monotonic()
    written: list[WrittenFile] = []
    try:
        # URLs in the files are the unprefixed, default-language ones, whoever runs the build.
        with translation.override(settings.LANGUAGE_CODE), _snapshot():
            built_at = timezone.now()
            for table in TABLES:
                rows = ROWS[table.name](chunk_size=chunk_size)
                written += table_write(table, rows, directory, gzip_level=gzip_level)
            manifest = _manifest(built_at, written)
    except BaseException:
        for item in written:
            item.temp.unlink(missing_ok=True)
        raise
    for item in written:
        os.replace(item.temp, item.final)
    manifest["build_seconds"] = round(time.monotonic() - started, 3)
    _json_write_atomic(directory / MANIFEST_NAME, manifest)
    return Built(
        built_at=built_at,
        seconds=manifest["build_seconds"],
        rows=sum(item.rows for item in written if item.format == "csv" and not item.gzipped),
        files=written,
    )


def _iso(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _manifest(built_at: datetime.datetime, written: list[WrittenFile]) -> dict[str, Any]:
    licences = {table.name: str(table.licence) for table in TABLES}
    return {
        "manifest_version": MANIFEST_VERSION,
        "title": "Aperture: bulk exports of the record",
        "site": settings.SITE_URL + "/",
        "data_page": settings.SITE_URL + reverse("data"),
        "dictionary": settings.SITE_URL + reverse("data_dictionary"),
        "built_at": _iso(built_at),
        "build_seconds": None,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "files": [
            {
                "name": item.name,
                "url": settings.SITE_URL + reverse("export_file", kwargs={"name": item.name}),
                "table": item.table,
                "format": item.format,
                "compression": "gzip" if item.gzipped else None,
                "media_type": item.media_type,
                "built_at": _iso(built_at),
                "rows": item.rows,
                "bytes": item.bytes,
                "sha256": item.sha256,
                "licence": licences[item.table],
            }
            for item in written
        ],
    }


def _json_write_atomic(path: Path, data: dict[str, Any]) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")
    with temp.open("w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)


def manifest_read(directory: Path) -> dict[str, Any] | None:
    """The manifest of the files in place, or None before the first build (or if unreadable)."""
    try:
        with (directory / MANIFEST_NAME).open(encoding="utf-8") as source:
            manifest = json.load(source)
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return None
    return manifest
