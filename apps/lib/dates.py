"""Dates that are known only to a day, a month or a year."""

import datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


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


def date_display(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date in the active language that claims no more than we know.

    English: "July 14, 2025", "July 2025", "2025"; Japanese: "2025年7月14日", "2025年7月", "2025年".
    The site's pages (the ``precise_date`` filter) and the mail show dates through this.
    """
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        # A translatable format, as Django's own formats are: "Y" in English, "Y年" in Japanese.
        return date_format(value, pgettext("date format for a year alone", "Y"))
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")
