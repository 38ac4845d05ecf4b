"""Template helpers for the public pages."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from apps.claims.models import Stance, Statement, StatementKind, Verification
from apps.claims.stance import IMPORTED, IMPORTED_ACT
from apps.lib.bilingual import Shown, text_for_reader
from apps.lib.dates import DatePrecision, date_display
from apps.lib.text import isolate

from ..cards import cards_render

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


@register.filter
def signed(value: float | None, digits: int = 3) -> str:
    """A number of the stance formula with its sign: "+0.712", "0.000", and a negative one
    with a true minus sign (U+2212), as typeset numbers have."""
    if value is None:
        return ""
    text = floatformat(value, digits)
    digits_only = text.lstrip("-")
    if digits_only.strip("0.,") == "":  # zero, once rounded
        return digits_only
    return ("\u2212" + digits_only) if text.startswith("-") else ("+" + text)


@register.filter
def as_percent(value: float | None, digits: int = 0) -> str:
    """A share of the total weight, as a percentage: 0.394 -> "39%"."""
    if value is None:
        return ""
    return f"{floatformat(value * 100, digits)}%"


FORMULA_LABELS = {
    **dict(Stance.choices),
    **dict(StatementKind.choices),
    **dict(Verification.choices),
    IMPORTED_ACT: _("release recorded by a dataset"),
    IMPORTED: _("imported, not checked by an editor"),
}


@register.filter
def formula_label(value: str) -> str:
    """A stance, kind or verification value in the reader's words (imported acts included)."""
    return str(FORMULA_LABELS.get(value, value))


@register.filter
def in_reader_language(obj: object, field: str) -> Shown:
    """``statement|in_reader_language:"summary"``: the summary in the reader's language, or
    the other one, marked as such (include site/_fallback.html with shown=...)."""
    return text_for_reader(obj, field)


@register.simple_tag
def statement_cards(statements: Sequence[Statement]) -> list[SafeString]:
    """``{% statement_cards page.statements as cards %}``: each statement's card (the
    _statement.html include, as a list shows it), cached by what it reads (site/cards.py)."""
    return cards_render(statements)
