"""Template helpers for the public pages."""

from __future__ import annotations

import datetime

from django import template
from django.utils.formats import date_format
from django.utils.translation import pgettext

from apps.lib.dates import DatePrecision

register = template.Library()


@register.filter
def precise_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """A date in the reader's language that claims no more than we know.

    English: "July 14, 2025", "July 2025", "2025"; Japanese: "2025年7月14日", "2025年7月", "2025年".
    """
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        # A translatable format, as Django's own formats are: "Y" in English, "Y年" in Japanese.
        return date_format(value, pgettext("date format for a year alone", "Y"))
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")
