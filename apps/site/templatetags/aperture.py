"""Template helpers for the public pages."""

from __future__ import annotations

import datetime

from django import template

from apps.lib.dates import DatePrecision, date_display
from apps.lib.text import isolate

register = template.Library()


@register.filter
def precise_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date in the reader's language that claims no more than we know (see date_display)."""
    return date_display(value, precision)


@register.filter(name="isolate")
def isolate_filter(value: object) -> str:
    """Plain text that cannot reorder the words around it: for <title>, attributes, SVG titles
    and translated sentences, where a <bdi> cannot go (see apps/lib/text.py)."""
    return isolate("" if value is None else str(value))
