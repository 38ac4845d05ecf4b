"""The parts an alert's text is made of (render.py puts them together for each kind of event,
mails.py, feeds.py and webhooks carry them): the dataclasses and the small helpers they share."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from apps.lib.dates import DatePrecision, date_display, date_format_at_precision
from apps.lib.text import isolate


@dataclass(frozen=True)
class CommitmentNote:
    """The commitment an outcome is about, and what decided it."""

    promise: str
    outcome: str
    outcome_label: str
    rationale: str
    evidence_rule: str
    #: The statement or recorded act that decides it (empty for overdue).
    evidence_title: str = ""
    evidence_url: str = ""
    due_on: str = ""


@dataclass(frozen=True)
class Quote:
    text: str
    language: str
    translation: str
    source_title: str
    source_url: str


@dataclass(frozen=True)
class StatementRef:
    summary: str
    url: str


@dataclass(frozen=True)
class DatasetNote:
    """Where a dataset's changed value comes from, with the attribution its licence asks for."""

    dataset_key: str
    name: str
    licence: str
    attribution: str
    record_key: str
    #: The upstream record and the claim's evidence, "" unless an http(s) address.
    record_url: str
    evidence_url: str
    field: str
    old_value: str
    new_value: str


@dataclass(frozen=True)
class PageNote:
    """A watched page whose change an editor accepted: where it is and how much changed."""

    title: str
    #: The watched page itself (the lab's own address); "" unless http(s), so never a link
    #: of another scheme.
    url: str
    words_added: int
    words_removed: int
    #: The changed words alone ("- old / + new"), cut short: never the whole page.
    excerpt: str
    #: When the change was read: the "as of" of the headline.
    retrieved_at: datetime.datetime | None = None


@dataclass(frozen=True)
class EventText:
    """An event told for one language: a short subject, a headline sentence, links, and a
    source quote. A stance change that a publish made also tells that new statement
    (``new_statement``), so that one mail says both."""

    event_id: int
    kind: str
    headline: str
    url: str
    subject: str = ""
    statements: list[StatementRef] = field(default_factory=list)
    quote: Quote | None = None
    new_statement: StatementRef | None = None
    created_at: datetime.datetime | None = None
    dataset: DatasetNote | None = None
    page: PageNote | None = None
    #: A commitment resolved or overdue (commitment_text.py).
    commitment: CommitmentNote | None = None


#: Mail subjects stay under 80 characters, in every language; the detail is in the body.
SUBJECT_MAX = 79
ELLIPSIS = "…"


def subject_fit(pattern: str, values: dict[str, str], *, names: Sequence[str]) -> str:
    """``pattern % values`` on one line, within SUBJECT_MAX characters.

    The other values are short labels (a stance, a rating); the ``names`` (a lab's, a model's,
    up to 200 characters each) are shortened, longest first, with an ellipsis, until it fits.
    """
    shown = {key: one_line(value) for key, value in values.items()}
    while True:
        subject = one_line(pattern % {k: isolate(v) if k in names else v for k, v in shown.items()})
        over = len(subject) - SUBJECT_MAX
        longest = max(names, key=lambda key: len(shown[key]), default=None)
        if over <= 0 or longest is None or len(shown[longest]) <= len(ELLIPSIS) + 1:
            break
        name = shown[longest].removesuffix(ELLIPSIS)
        shown[longest] = name[: max(1, len(name) - over - len(ELLIPSIS))].rstrip() + ELLIPSIS
    # Only a pattern longer than the limit on its own gets here still too long.
    return subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + ELLIPSIS


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def mail_date(value: datetime.date, precision: str = DatePrecision.DAY) -> str:
    """A date for an alert, in the active language.

    English keeps the ISO form the alert's wording was specified with ("Meta: open -> mixed
    (partial shift) on 2025-07-14"): unambiguous for readers anywhere and the same in webhooks
    and feeds. Other languages read as the site shows them: 2025年7月14日, 2025年7月, 2025年.
    """
    if (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0] == "en":
        return date_format_at_precision(value, precision)
    return date_display(value, precision)


def shortened(text: str, limit: int) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis where it is longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: str) -> str:
    """Runs of whitespace, line breaks included, as one space: a mail header refuses a line
    break, and a headline reads as one sentence."""
    return " ".join(text.split())
