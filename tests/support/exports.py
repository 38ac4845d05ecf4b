"""Reading the bulk exports back as a consumer would: CSV with the csv module, JSON Lines with
json, gzip with gzip. For tests/exports/ and bench/bench_exports.py."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from apps.exports.build import exports_build, manifest_read


def build(directory: Path, *, chunk_size: int = 500) -> dict[str, Any]:
    """Build every file into ``directory`` now, and return the manifest."""
    exports_build(directory=directory, chunk_size=chunk_size, gzip_level=6)
    manifest = manifest_read(directory)
    assert manifest is not None
    return manifest


def csv_rows(path: Path) -> list[list[str]]:
    """Every row of a CSV file (or its .gz), the header first."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def csv_dicts(path: Path) -> list[dict[str, str]]:
    header, *rows = csv_rows(path)
    return [dict(zip(header, row, strict=True)) for row in rows]


def jsonl_objects(path: Path) -> list[dict[str, Any]]:
    """Every object of a JSON Lines file (or its .gz), each line parsed on its own."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    text = data.decode("utf-8")
    assert text == "" or text.endswith("\n"), "a JSON Lines file ends with a line end"
    return [json.loads(line) for line in text.splitlines()]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
