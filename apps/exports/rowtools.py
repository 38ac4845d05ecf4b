"""What the row readers share (selectors.py, commitment_rows.py): the row type, URLs made
without a reverse() per row, chunks, and grouping a chunk's lists in one query's rows."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse

Row = dict[str, Any]
Rows = Iterator[Row]

# A placeholder that no slug or id of ours contains, swapped for the real value in each URL: one
# reverse() per table instead of one per row.
SLOT = "0aperture0slot0"
ID_SLOT = "987654321987"


def url_template(name: str, kwarg: str, slot: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={kwarg: slot}).replace(slot, "{}")


def chunks[T](rows: Iterable[T], chunk_size: int) -> Iterator[tuple[T, ...]]:
    return itertools.batched(rows, chunk_size)


def grouped(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, list[Any]]:
    found: dict[Any, list[Any]] = defaultdict(list)
    for key, value in pairs:
        found[key].append(value)
    return found
