"""Template helpers for the public pages."""

from __future__ import annotations

import datetime

from django import template

from apps.lib.dates import DatePrecision, date_display

register = template.Library()


@register.filter
def precise_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date in the reader's language that claims no more than we know (see date_display)."""
    return date_display(value, precision)
