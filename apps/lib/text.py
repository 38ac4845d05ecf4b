"""Free text that people type or pages bring in: how long it may be, and how it sits in a line.

Length: a limit is kept three times over, each for a door the others do not cover: ``max_length``
on the field (the admin's form and its textarea), a validator (``full_clean`` in the services)
and a CHECK constraint (every other write, ``update()`` included).

Direction: a name or a quote may carry right-to-left text or a bidirectional control character
(U+202E RIGHT-TO-LEFT OVERRIDE) that would reorder the words around it. In HTML the templates
isolate such text with ``<bdi>`` or ``dir="auto"``; where there is no markup (a mail subject, a
feed title, a page's <title>) :func:`isolate` wraps it in U+2068 FIRST STRONG ISOLATE ...
U+2069 POP DIRECTIONAL ISOLATE, the plain-text form of the same thing.
"""

from __future__ import annotations

import unicodedata

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"

# Bidirectional classes that can move the text around them: right-to-left letters and digits,
# and the explicit embeddings, overrides and isolates (Unicode Standard Annex #9).
_DIRECTIONAL = {"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


def length_constraint(*, field: str, limit: int, name: str) -> models.CheckConstraint:
    """The database's own guard: no write, however it is made, stores a longer text."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)


def needs_isolation(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in _DIRECTIONAL for char in text)


def isolate(text: str) -> str:
    """Text that cannot reorder what surrounds it in a plain-text line.

    Left-to-right text comes back unchanged, so English lines and their tests read as before.
    """
    if not text or not needs_isolation(text):
        return text
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
