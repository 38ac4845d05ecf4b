"""A timeline of statements (a lab's or a model's): filters, and keyset pages, never OFFSET.

The cursor is the last row shown: the next page is everything strictly older in the timeline
order (-occurred_on, -id). With the partial index statement_timeline on
(company, -occurred_on, -id) the database reads only the rows it returns, so the 10,000th
statement costs what the first does. A model's timeline goes through the statement-model table
and has no such index of its own: it is paged the same way, over far fewer rows.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AIModel
from apps.claims.models import Stance, Statement, StatementKind, Verification

PAGE_SIZE = 20
#: The most statements one page load shows when the address says how many the reader had
#: loaded (``?shown=``): enough for a long read, bounded so that no address is expensive.
SHOWN_MAX = 1000
StrOrPromise = str | Promise
# ASCII digits only (\d takes any script's digits), at most 18 for the id: it fits a bigint.
CURSOR_PATTERN = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\.([0-9]{1,18})")
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]


@dataclass(frozen=True)
class Cursor:
    occurred_on: datetime.date
    id: int

    def encode(self) -> str:
        return f"{self.occurred_on.isoformat()}.{self.id}"

    @classmethod
    def decode(cls, value: str) -> Cursor:
        match = CURSOR_PATTERN.fullmatch(value)
        if match is None:
            raise ValueError(value)
        return cls(datetime.date.fromisoformat(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, statement: Statement) -> Cursor:
        return cls(statement.occurred_on, statement.pk)


def _any(label: StrOrPromise) -> list[tuple[str, Any]]:
    return [("", label)]


class TimelineCursorForm(forms.Form):
    """Where a timeline page starts (``after``), and how many statements the list holds once
    this page is shown (``shown``). A broken value is reported and ignored.

    "Load more" asks for the page after the last statement shown and replaces the address with
    ``?shown=N``, so that coming back to the list (Back from a statement, a reload, a shared
    link) shows the N newest again, and the browser can put the reader back where they were.
    """

    after = forms.CharField(required=False, widget=forms.HiddenInput)
    shown = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_after(self) -> Cursor | None:
        value = self.cleaned_data.get("after") or ""
        if not value:
            return None
        try:
            return Cursor.decode(value)
        except ValueError:
            raise forms.ValidationError(_("That page link is not valid.")) from None

    def clean_shown(self) -> int | None:
        value = self.cleaned_data.get("shown")
        return min(value, SHOWN_MAX) if value else None

    def valid_data(self) -> dict[str, Any]:
        """The fields that passed validation, even when others did not."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class TimelineFilterForm(TimelineCursorForm):
    """The filters in the URL. Invalid values are reported and ignored, never a server error."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[*_any(_("any kind")), *StatementKind.choices],
    )
    stance = forms.ChoiceField(
        label=_("Stance"), required=False, choices=[*_any(_("any stance")), *Stance.choices]
    )
    model = forms.ChoiceField(label=_("Model"), required=False)
    verification = forms.ChoiceField(
        label=_("Verification"),
        required=False,
        choices=[*_any(_("any verification")), *Verification.choices],
    )
    language = forms.ChoiceField(
        label=_("Quote language"),
        required=False,
        choices=[*_any(_("any language")), *LANGUAGES],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    FILTERS = ("kind", "stance", "model", "verification", "language", "since", "until")

    def __init__(self, *args: Any, models: list[AIModel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field = self.fields["model"]
        assert isinstance(model_field, forms.ChoiceField)
        model_field.choices = [*_any(_("any model")), *((m.slug, m.name) for m in models)]

    def query_without_cursor(self) -> str:
        """The filters as a query string, for links that keep them (load more, share)."""
        from urllib.parse import urlencode

        data = self.valid_data()
        pairs = []
        for name in self.FILTERS:
            value = data.get(name)
            if value:
                pairs.append((name, value.isoformat() if hasattr(value, "isoformat") else value))
        return urlencode(pairs)

    @property
    def is_filtered(self) -> bool:
        data = self.valid_data()
        return any(data.get(name) for name in self.FILTERS)


def timeline_filter(queryset: QuerySet[Statement], data: dict[str, Any]) -> QuerySet[Statement]:
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("stance"):
        queryset = queryset.filter(stance=data["stance"])
    if data.get("verification"):
        queryset = queryset.filter(verification=data["verification"])
    if data.get("language"):
        queryset = queryset.filter(quote_language=data["language"])
    if data.get("model"):
        queryset = queryset.filter(ai_models__slug=data["model"])
    if data.get("since"):
        queryset = queryset.filter(occurred_on__gte=data["since"])
    if data.get("until"):
        queryset = queryset.filter(occurred_on__lte=data["until"])
    return queryset


def keyset_after(queryset: QuerySet[Statement], cursor: Cursor | None) -> QuerySet[Statement]:
    """Rows strictly after the cursor in timeline order (-occurred_on, -id).

    The redundant ``occurred_on <= day`` is what lets the database start its index scan at the
    cursor instead of filtering every newer row: it becomes the index condition, and the OR
    only sorts out the rows of that one day.
    """
    if cursor is None:
        return queryset
    return queryset.filter(occurred_on__lte=cursor.occurred_on).filter(
        Q(occurred_on__lt=cursor.occurred_on) | Q(occurred_on=cursor.occurred_on, id__lt=cursor.id)
    )


@dataclass(frozen=True)
class TimelinePage:
    statements: list[Statement]
    next_cursor: Cursor | None
    #: How many statements the reader's list holds with this page: None for a page of older
    #: statements on its own (no JavaScript), which does not start at the newest.
    shown: int | None = None

    @property
    def next_shown(self) -> int | None:
        return None if self.shown is None else min(self.shown + PAGE_SIZE, SHOWN_MAX)


def timeline_page(
    queryset: QuerySet[Statement], cursor: Cursor | None, size: int = PAGE_SIZE
) -> TimelinePage:
    """One page in timeline order; one extra row tells whether another page follows."""
    rows = list(keyset_after(queryset, cursor).order_by("-occurred_on", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return TimelinePage(rows, Cursor.of(rows[-1]) if more and rows else None)


def timeline_window(queryset: QuerySet[Statement], data: dict[str, Any]) -> TimelinePage:
    """The statements a request asks for (``data`` from a TimelineCursorForm).

    With a cursor: the page after it ("load more", whose link sends as ``shown`` how long the
    list will be with a full page). Without: the newest ``shown`` statements, or the first page.
    """
    cursor, shown = data.get("after"), data.get("shown")
    if cursor is not None:
        page = timeline_page(queryset, cursor)
        total = None if shown is None else max(shown - PAGE_SIZE, 0) + len(page.statements)
        return TimelinePage(page.statements, page.next_cursor, total)
    page = timeline_page(queryset, None, size=max(shown or PAGE_SIZE, PAGE_SIZE))
    return TimelinePage(page.statements, page.next_cursor, len(page.statements))
