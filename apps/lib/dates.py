"""Dates that are known only to a day, a month or a year."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def date_format_at_precision(value: datetime.date, precision: str) -> str:
    """ISO-style text that claims no more than we know: 2025-07-14, 2025-07 or 2025."""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()
