"""Opaque, stable keyset cursors.

A cursor is the sort key of the last item of a page, with the id that breaks ties, written as
base64url of a small JSON array that names the list it belongs to: ``["statements",
"2025-07-14", 812]``. The next page is everything strictly after that key in the list's order,
so rows published meanwhile never shift a page or repeat an item, however deep the client is.

Cursors are not signed: they hold only a position that anyone could write, and a secret key
rotation must not break a client's crawl. They are validated instead: anything that does not
decode to the right list's key, with values of the right types, is a 400 (``invalid_cursor``),
never a server error.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import re
from collections.abc import Sequence
from typing import Any

from .errors import ApiError

#: A cursor's alphabet and the longest one accepted (the longest key fits well inside).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,400}$"
_CURSOR = re.compile(CURSOR_PATTERN)
#: The largest id PostgreSQL's bigint holds.
MAX_ID = 2**63 - 1


def cursor_encode(kind: str, *values: object) -> str:
    raw = json.dumps([kind, *values], separators=(",", ":"), default=_json_default)
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()


def _json_default(value: object) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(type(value))


def _invalid(why: str) -> ApiError:
    return ApiError(
        400,
        "invalid_cursor",
        "cursor: not a cursor this list gave out; start again without it.",
        errors=[{"location": "query", "parameter": "cursor", "message": why, "type": "cursor"}],
    )


def cursor_decode(value: str, kind: str, types: Sequence[type]) -> list[Any]:
    """The key in ``value``, checked to be ``kind``'s with values of ``types`` (``date`` from
    ISO text, ``int`` as a bigint id, ``str`` at most 200 characters)."""
    if not _CURSOR.fullmatch(value):
        raise _invalid("not base64url text")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _invalid("does not decode") from None
    if not isinstance(decoded, list) or len(decoded) != len(types) + 1 or decoded[0] != kind:
        raise _invalid(f"not a cursor of {kind}")
    values: list[Any] = []
    for item, expected in zip(decoded[1:], types, strict=True):
        values.append(_typed(item, expected))
    return values


def _typed(item: object, expected: type) -> object:
    if expected is int:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 < item <= MAX_ID:
            raise _invalid("an id is out of range")
        return item
    if expected is datetime.date:
        if not isinstance(item, str):
            raise _invalid("a date is not text")
        try:
            return datetime.date.fromisoformat(item)
        except ValueError:
            raise _invalid("a date is not valid") from None
    if expected is str:
        if not isinstance(item, str) or not 0 < len(item) <= 200:
            raise _invalid("a key is not valid text")
        return item
    raise TypeError(expected)
