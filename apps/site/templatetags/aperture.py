"""Template helpers for the public pages."""

from __future__ import annotations

import datetime

from django import template

from apps.claims.models import Stance
from apps.lib.dates import DatePrecision, date_display

register = template.Library()


@register.filter
def precise_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date in the reader's language that claims no more than we know (see date_display)."""
    return date_display(value, precision)


@register.filter
def stance_label(value: str) -> str:
    """The reader's word for a stance value ("leaning_closed" -> "leaning closed")."""
    return str(Stance(value).label) if value in Stance.values else ""
