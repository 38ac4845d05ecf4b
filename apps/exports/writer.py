"""Writing one table as CSV and JSON Lines, plain and gzipped, row by row and atomically.

Every file is written to a hidden temporary file beside its final name and renamed over it only
when the whole build has succeeded (build.py), so a reader opens either the old file or the new
one, whole, never half of one. Rows are written as they come, through a buffer of a fixed number
of rows, and each file's size and SHA-256 are counted as its bytes go out: nothing holds a whole
file in memory, and no second pass reads it back.

The formats (the dictionary page and docs/data-dictionary.md say the same to readers):

* CSV: RFC 4180 (comma, double quotes where needed, CRLF line ends), UTF-8 without a byte order
  mark, a header row of the column names. An empty cell is a value the record does not have. A
  list is a JSON array (``["llama-4-behemoth","llama-4-maverick"]``), true and false are written
  so, dates as 2025-07-14 and times in UTC as 2025-07-14T08:00:00Z.
* JSON Lines: one JSON object per line, UTF-8, with the same keys in the same order; a missing
  value is null, numbers and booleans are JSON's, lists are arrays.
* gzip: the same bytes compressed, with no file name or time in the header, so an unchanged
  table compresses to the same bytes (and the same SHA-256) in every build.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .dictionary import Column, ColumnType, Table

#: Rows gathered before they are written out: bounds the buffer, saves a write per row.
FLUSH_ROWS = 100
#: The suffix of a file still being written; build.py clears any a dead build left behind.
TEMP_SUFFIX = ".tmp"


class RowMismatch(Exception):
    """A row whose keys are not the table's columns: the selector and the dictionary disagree."""


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str


CSV = Format("csv", "csv", "text/csv; charset=utf-8; header=present")
JSONL = Format("jsonl", "jsonl", "application/jsonl; charset=utf-8")
FORMATS = (CSV, JSONL)
GZIP_MEDIA_TYPE = "application/gzip"


def file_name(table: str, fmt: Format, *, gzipped: bool) -> str:
    return f"{table}.{fmt.extension}{'.gz' if gzipped else ''}"


@dataclass(frozen=True)
class WrittenFile:
    """A file written to its temporary name, with what the manifest says of it."""

    name: str
    table: str
    format: str
    gzipped: bool
    media_type: str
    rows: int
    bytes: int
    sha256: str
    temp: Path
    final: Path


class _Output:
    """One file being written: text in, UTF-8 out (through gzip for a .gz), counted and hashed."""

    def __init__(self, final: Path, *, gzip_level: int | None) -> None:
        self.final = final
        self.temp = final.with_name(f".{final.name}.{uuid.uuid4().hex}{TEMP_SUFFIX}")
        self.bytes = 0
        self._hash = hashlib.sha256()
        self._raw: BinaryIO = self.temp.open("xb")
        self._gzip = (
            gzip.GzipFile(filename="", mode="wb", compresslevel=gzip_level, fileobj=self, mtime=0)
            if gzip_level is not None
            else None
        )

    def write(self, data: bytes) -> int:
        """The file's bytes as they go to disk (GzipFile calls this with compressed ones)."""
        self._hash.update(data)
        self.bytes += len(data)
        return self._raw.write(data)

    def flush(self) -> None:
        """GzipFile flushes its file object; the raw file is flushed and synced in close()."""

    def write_text(self, text: str) -> None:
        data = text.encode()
        if self._gzip is not None:
            self._gzip.write(data)
        else:
            self.write(data)

    def close(self) -> None:
        if self._gzip is not None:
            self._gzip.close()  # writes the gzip trailer through write() above
        self._raw.flush()
        os.fsync(self._raw.fileno())  # on disk before it is renamed into place
        self._raw.close()

    def discard(self) -> None:
        """Remove the temporary file. On a full disk, closing it fails too (its last buffer
        cannot be written): that must not keep it, nor hide the error that led here."""
        try:
            self._raw.close()
        except OSError:
            pass
        finally:
            self.temp.unlink(missing_ok=True)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


def _utc(value: datetime.datetime) -> str:
    # isoformat, cut to the second: twice as fast as strftime, and this runs for every time.
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds")[:19] + "Z"


def _date(value: datetime.date) -> str:
    return value.isoformat()


#: Values JSON and CSV both write as text: turned to it once per row, for both.
_AS_TEXT: dict[ColumnType, Callable[[Any], str]] = {
    ColumnType.DATETIME: _utc,
    ColumnType.DATE: _date,
}


def _csv_only(kind: ColumnType) -> Callable[[Any], Any] | None:
    """What CSV writes differently from JSON (the csv module writes None as an empty cell and
    numbers as Python prints them, which JSON agrees with)."""
    if kind is ColumnType.BOOLEAN:
        return lambda v: "" if v is None else ("true" if v else "false")
    if kind is ColumnType.LIST:
        return lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    return None


class _Lines(list[str]):
    """A buffer csv.writer writes into."""

    def write(self, text: str) -> None:
        self.append(text)


def table_write(
    table: Table, rows: Iterable[dict[str, Any]], directory: Path, *, gzip_level: int
) -> list[WrittenFile]:
    """Write ``rows`` as the table's four files under temporary names in ``directory``.

    On any error every temporary file of the table is removed and the error raised on; the
    files already in place are untouched.
    """
    outputs = {
        (fmt.name, gzipped): _Output(
            directory / file_name(table.name, fmt, gzipped=gzipped),
            gzip_level=gzip_level if gzipped else None,
        )
        for fmt in FORMATS
        for gzipped in (False, True)
    }
    try:
        count = _rows_write(table, rows, outputs)
        for output in outputs.values():
            output.close()
    except BaseException:
        for output in outputs.values():
            output.discard()
        raise
    return [
        WrittenFile(
            name=output.final.name,
            table=table.name,
            format=fmt_name,
            gzipped=gzipped,
            media_type=GZIP_MEDIA_TYPE
            if gzipped
            else (CSV if fmt_name == "csv" else JSONL).media_type,
            rows=count,
            bytes=output.bytes,
            sha256=output.sha256,
            temp=output.temp,
            final=output.final,
        )
        for (fmt_name, gzipped), output in outputs.items()
    ]


def _rows_write(
    table: Table, rows: Iterable[dict[str, Any]], outputs: dict[tuple[str, bool], _Output]
) -> int:
    columns: tuple[Column, ...] = table.columns
    names = table.header
    as_text = [(i, _AS_TEXT[c.kind]) for i, c in enumerate(columns) if c.kind in _AS_TEXT]
    csv_only = [(i, f) for i, c in enumerate(columns) if (f := _csv_only(c.kind)) is not None]
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    csv_lines = _Lines()
    json_lines: list[str] = []
    writer = csv.writer(csv_lines)
    writer.writerow(names)

    def flush() -> None:
        for gzipped in (False, True):
            outputs["csv", gzipped].write_text("".join(csv_lines))
            outputs["jsonl", gzipped].write_text("".join(json_lines))
        csv_lines.clear()
        json_lines.clear()

    count = 0
    for row in rows:
        try:
            values = [row[name] for name in names]
        except KeyError as error:
            raise RowMismatch(f"{table.name}: a row has no column {error}") from None
        if len(row) != len(names):
            extra = sorted(set(row) - set(names))
            raise RowMismatch(f"{table.name}: a row has columns the dictionary lacks: {extra}")
        for i, convert in as_text:
            if values[i] is not None:
                values[i] = convert(values[i])
        json_lines.append(encoder.encode(dict(zip(names, values, strict=True))) + "\n")
        for i, convert in csv_only:
            values[i] = convert(values[i])
        writer.writerow(values)
        count += 1
        if count % FLUSH_ROWS == 0:
            flush()
    flush()
    return count
