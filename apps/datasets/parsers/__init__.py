"""What every dataset parser yields: records with their claims, or per-record errors.

A parser takes the files of one snapshot (name -> bytes) and yields a :class:`ParsedRecord` or
a :class:`ParseError` per record; it never raises for one bad record. It raises
:class:`SnapshotError` only when the snapshot as a whole cannot be read (no key column, no
schema, not a CSV at all): then the run fails and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Claim", "Files", "ParseError", "Parsed", "ParsedRecord", "SnapshotError"]

#: The files of one snapshot, by their path inside it (a single CSV, or a folder's files).
type Files = Mapping[str, bytes]


class SnapshotError(Exception):
    """The snapshot as a whole is unusable; the run fails and the previous state stays."""


@dataclass(frozen=True)
class Claim:
    field: str
    value: str
    evidence_url: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ParsedRecord:
    key: str
    raw: dict[str, Any]
    claims: tuple[Claim, ...]
    upstream_url: str = ""


@dataclass(frozen=True)
class ParseError:
    #: The record key, or the file and line where no key could be read.
    where: str
    message: str


type Parsed = ParsedRecord | ParseError
type ParsedStream = Iterator[Parsed]
