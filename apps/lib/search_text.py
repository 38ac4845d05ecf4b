"""Text made comparable for search: NFKC, lower-cased, in the database and in Python alike.

NFKC folds the spellings a reader and a page may not share: full-width Latin letters are
ASCII, half-width katakana are full-width, ligatures fall apart. Lower-casing makes
"Meta" find "meta". A column holds its text normalised once, when it is written
(:func:`search_text_expression`, a generated column), and a query is normalised the same way
here (:func:`search_normalize`), so the comparison itself is a plain substring match that an
index can serve (docs/search.md).

SQLite (the first run) has no Unicode normalisation: there the column is only lower-cased, so
full-width letters in a stored text are not found by their ASCII spelling. Japanese is found
all the same: it has no case.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Concat, Lower

#: Between the texts of one row: a query never holds a line break (search_normalize folds
#: whitespace), so no match can run from one text into the next.
SEPARATOR = "\n"


def search_normalize(text: str) -> str:
    """NFKC, lower-cased, each run of whitespace one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


class Nfkc(Func):
    """NFKC in PostgreSQL (``normalize(text, NFKC)``, immutable, so fit for a generated column);
    elsewhere the text as it is."""

    output_field = TextField()
    template = "%(expressions)s"

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="NORMALIZE(%(expressions)s, NFKC)", **extra_context
        )


def search_text_expression(*fields: str) -> Func:
    """The fields joined by line breaks, NFKC (on PostgreSQL), lower-cased."""
    parts: list[Any] = []
    for name in fields:
        if parts:
            parts.append(Value(SEPARATOR))
        parts.append(F(name))
    return Lower(Nfkc(Concat(*parts, output_field=TextField())))
