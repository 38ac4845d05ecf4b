"""Epoch AI's CSV of ML systems: one row per model, columns found by header name.

Newer exports call the first column ``Model`` where older ones say ``System``; a byte-order mark
may open the file; organisations come several to a cell, separated by commas; dates must be ISO
(``2024-07-23``), a year and month or a year, anything else is an error for that record.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from apps.datasets.parsers import Claim, Files, Parsed, ParsedRecord, ParseError, SnapshotError

#: Our field -> the header names it is found under (compared lower-cased, spaces collapsed).
COLUMNS: dict[str, tuple[str, ...]] = {
    "key": ("model", "system"),
    "developer": ("organization", "organisation", "developer"),
    "release_date": ("publication date", "release date"),
    "parameters": ("parameters",),
    "access_level": ("model accessibility",),
    "training_code": ("training code accessibility",),
    "training_data": ("dataset accessibility", "training dataset accessibility"),
    "link": ("link",),
}
#: Where a row of the live dataset is described; Epoch has no page per record.
RECORD_URL = "https://epoch.ai/data/ai-models"
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _header_key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).lower()


def columns_find(fieldnames: list[str]) -> dict[str, str]:
    """Our field -> the header it is under in this file, for the fields the file has."""
    found = {_header_key(name): name for name in fieldnames}
    columns: dict[str, str] = {}
    for ours, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in found:
                columns[ours] = found[alias]
                break
    return columns


def date_parse(text: str) -> str:
    """``text`` as ISO (YYYY, YYYY-MM or YYYY-MM-DD), or ValueError naming what was found."""
    text = text.strip()
    if not DATE.match(text):
        raise ValueError(f"date “{text}” is not YYYY-MM-DD, YYYY-MM or YYYY")
    parts = [int(part) for part in text.split("-")]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        raise ValueError(f"date “{text}” has no month {parts[1]}")
    if len(parts) > 2:
        datetime.date(*parts)  # raises ValueError for 2024-02-31
    return text


def organisations_split(cell: str) -> list[str]:
    """The organisations of one cell: comma-separated, where a name holding a comma is quoted
    as in CSV ('UC Berkeley,"NERSC, Lawrence Berkeley National Laboratory"'); a name's line
    breaks are spaces."""
    try:
        names = next(
            csv.reader([cell.replace("\r", " ").replace("\n", " ")], skipinitialspace=True)
        )
    except (csv.Error, StopIteration):
        names = cell.split(",")
    return [" ".join(name.split()) for name in names if name.strip()]


def _parameters(text: str) -> str:
    try:
        number = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"parameters “{text}” is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"parameters “{text}” is not a count")
    return str(int(number))


def _csv_file(files: Files) -> tuple[str, bytes]:
    csvs = sorted(name for name in files if name.lower().endswith(".csv"))
    name = csvs[0] if csvs else next(iter(sorted(files)), "")
    if not name:
        raise SnapshotError("The snapshot holds no file.")
    return name, files[name]


def parse(files: Files) -> Iterator[Parsed]:
    name, body = _csv_file(files)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SnapshotError(f"{name} is not UTF-8 text: {error}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = columns_find(list(reader.fieldnames or []))
    if "key" not in columns:
        raise SnapshotError(
            f"{name} has no model column (expected “Model” or “System”); its header starts "
            f"{', '.join((reader.fieldnames or [])[:5]) or 'with nothing'}."
        )
    for ours in COLUMNS:
        if ours not in columns and ours != "key":
            yield ParseError(
                "header", f"no column {' or '.join(COLUMNS[ours])}: {ours} is not imported"
            )
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        yield _row_parse(row, columns, seen, f"{name} line {line}")


def _row_parse(row: dict[str, str], columns: dict[str, str], seen: set[str], where: str) -> Parsed:
    raw = {key: value for key, value in row.items() if key is not None}
    if None in row:
        return ParseError(where, "the row has more cells than the header")
    key = (row.get(columns["key"]) or "").strip()
    if not key:
        return ParseError(where, "the model name is empty")
    if key in seen:
        return ParseError(key, f"{where}: a second row for the same model")
    seen.add(key)

    def cell(ours: str) -> str:
        return (row.get(columns[ours]) or "").strip() if ours in columns else ""

    evidence = cell("link")
    claims: list[Claim] = []
    try:
        if developers := organisations_split(cell("developer")):
            claims.append(Claim("developer", "; ".join(developers), evidence))
        if released := cell("release_date"):
            claims.append(Claim("release_date", date_parse(released), evidence))
        if parameters := cell("parameters"):
            claims.append(Claim("parameters", _parameters(parameters), evidence))
    except ValueError as error:
        return ParseError(key, str(error))
    for ours in ("access_level", "training_code", "training_data"):
        if value := cell(ours):
            claims.append(Claim(ours, value, evidence))
    return ParsedRecord(key=key, raw=raw, claims=tuple(claims), upstream_url=RECORD_URL)
