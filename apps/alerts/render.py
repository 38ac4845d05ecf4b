"""What an event says, in words, in the reader's language (the mails that carry it: mails.py)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.claims.models import Citation, EditorialState, Statement
from apps.datasets.compare import web_link
from apps.datasets.labels import dataset_short_name, part_label, value_label
from apps.lib.bilingual import text_for_reader
from apps.lib.dates import DatePrecision, date_display, date_format_at_precision
from apps.lib.text import isolate
from apps.watch.diff import diff_counts, diff_summary

from .commitment_text import CommitmentNote, commitment_text
from .models import Event, EventKind


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


def _quote_for(statement: Statement, language: str) -> Quote | None:
    citation: Citation | None = next(iter(statement.citations.all()), None)
    source_title = source_url = ""
    if citation is not None:
        source_title = str(citation.source)
        source_url = citation.source.url
    if statement.quote:
        shown_translation = (
            statement.translation
            if statement.translation and statement.translation_language == language
            else ""
        )
        return Quote(
            statement.quote, statement.quote_language, shown_translation, source_title, source_url
        )
    excerpt = next((c.excerpt for c in statement.citations.all() if c.excerpt), "")
    if excerpt or citation is not None:
        return Quote(excerpt, "", "", source_title, source_url)
    return None


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


def _summary(statement: Statement) -> str:
    """In the mail's language when an editor wrote it (apps/lib/bilingual.py), else English."""
    return text_for_reader(statement, "summary").text


def _cause(statement: Statement | None) -> str:
    return isolate(one_line(_summary(statement)).rstrip(".")) if statement is not None else ""


def _dataset_change_text(event: Event) -> EventText:
    """ "Epoch AI now lists Llama 4 Maverick as API access; it listed open weights
    (unrestricted)": the dataset's words, each known value in the reader's language."""
    change = event.dataset_change
    assert change is not None
    claim = change.claim
    record = claim.record
    dataset = record.dataset
    # The model the record was matched to when the change was read, as the event keeps it.
    model = next(iter(event.ai_models.all()), None) or record.model
    values = {
        "dataset": isolate(dataset_short_name(dataset)),
        "model": isolate(model.name if model is not None else record.key),
        "part": isolate(part_label(claim.field)),
        "new": isolate(value_label(claim.field, change.new_value)),
        "old": isolate(value_label(claim.field, change.old_value)),
    }
    if claim.field.startswith("class:"):
        now = _("%(dataset)s now rates %(model)s %(new)s on %(part)s") % values
        headline = _("%(now)s; it rated it %(old)s") % {"now": now, "old": values["old"]}
    else:
        if claim.field.startswith("licence:"):
            now = _("%(dataset)s now lists the %(part)s of %(model)s under %(new)s") % values
        elif values["part"]:
            now = _("%(dataset)s now lists the %(part)s of %(model)s as %(new)s") % values
        else:
            now = _("%(dataset)s now lists %(model)s as %(new)s") % values
        headline = _("%(now)s; it listed %(old)s") % {"now": now, "old": values["old"]}
    return EventText(
        event_id=event.pk,
        created_at=event.created_at,
        kind=event.kind,
        headline=one_line(headline),
        subject=shortened(one_line(_("Aperture: %(headline)s") % {"headline": now}), SUBJECT_MAX),
        url=absolute(model.get_absolute_url()) if model is not None else absolute("/"),
        dataset=DatasetNote(
            dataset_key=dataset.key,
            name=dataset.name,
            licence=dataset.licence,
            attribution=one_line(dataset.attribution),
            record_key=record.key,
            record_url=web_link(record.upstream_url),
            evidence_url=web_link(claim.evidence_url),
            field=claim.field,
            old_value=change.old_value,
            new_value=change.new_value,
        ),
    )


#: How much of the changed words a policy-change alert quotes.
PAGE_EXCERPT_MAX = 300


def _page_change_text(event: Event) -> EventText:
    """ "Meta changed its page Llama licence: 12 words added, 3 words removed (as of 2025-07-14)".

    The accepted change is a draft act: its statement is linked only once readers may open it
    (published or retracted); until then the alert links the lab's page and the watched page.
    """
    snapshot = event.page_change
    assert snapshot is not None, "event_points_at_its_change guarantees this"
    watch = snapshot.watch
    company = event.company
    title = one_line(watch.title or watch.url)
    added, removed = diff_counts(snapshot.diff)
    values = {
        "lab": isolate(company.name),
        "page": isolate(title),
        "added": ngettext("%(count)d word added", "%(count)d words added", added)
        % {"count": added},
        "removed": ngettext("%(count)d word removed", "%(count)d words removed", removed)
        % {"count": removed},
        "date": mail_date(snapshot.retrieved_at.date()),
    }
    headline = _("%(lab)s changed its page %(page)s: %(added)s, %(removed)s (as of %(date)s)")
    statement = event.statement
    public = statement is not None and statement.state in (
        EditorialState.PUBLISHED,
        EditorialState.RETRACTED,
    )
    return EventText(
        event_id=event.pk,
        created_at=event.created_at,
        kind=event.kind,
        headline=one_line(headline % values),
        subject=subject_fit(
            _("Aperture: %(lab)s: policy changed: %(page)s"),
            {"lab": company.name, "page": title},
            names=["lab", "page"],
        ),
        url=absolute(
            statement.get_absolute_url()
            if public and statement is not None
            else company.get_absolute_url()
        ),
        page=PageNote(
            title=title,
            url=web_link(watch.url),
            words_added=added,
            words_removed=removed,
            excerpt=diff_summary(snapshot.diff, limit=PAGE_EXCERPT_MAX),
            retrieved_at=snapshot.retrieved_at,
        ),
    )


def _statement_line(statement: Statement) -> str:
    """What a new statement is, without its lab: the body of a stance-change alert says it."""
    return one_line(
        _("New statement (%(stance)s, %(verification)s) of %(date)s: %(summary)s")
        % {
            "stance": statement.get_stance_display(),
            "verification": statement.get_verification_display(),
            "date": mail_date(statement.occurred_on, statement.date_precision),
            "summary": _cause(statement),
        }
    )


def event_text(event: Event) -> EventText:
    """The event in the active language (callers wrap this in translation.override)."""
    if event.kind == EventKind.DATASET_CHANGE:
        return _dataset_change_text(event)
    if event.kind == EventKind.PAGE_CHANGE:
        return _page_change_text(event)
    if event.kind == EventKind.COMMITMENT:
        return commitment_text(event)
    language = translation.get_language() or settings.LANGUAGE_CODE
    company = event.company
    if event.kind == EventKind.STANCE_CHANGE and event.stance_change is not None:
        change = event.stance_change
        statements = sorted(change.statements.all(), key=lambda s: (s.occurred_on, s.pk))
        # The statement whose publish made the change explains it; else the latest one does.
        published = event.statement
        cause = published or (statements[-1] if statements else None)
        values = {
            "lab": isolate(company.name),
            "old": change.get_old_stance_display() or _("no stance"),
            "new": change.get_new_stance_display(),
            "rating": change.get_rating_display(),
            "date": mail_date(change.date),
            "cause": _cause(cause),
        }
        if cause is not None:
            headline = (
                _("%(lab)s: %(old)s -> %(new)s (%(rating)s) on %(date)s, after %(cause)s") % values
            )
        elif change.assessment_id:
            headline = (
                _("%(lab)s: %(old)s -> %(new)s (%(rating)s) on %(date)s, pinned by an editor")
                % values
            )
        else:
            headline = _("%(lab)s: %(old)s -> %(new)s (%(rating)s) on %(date)s") % values
        return EventText(
            event_id=event.pk,
            created_at=event.created_at,
            kind=event.kind,
            headline=one_line(headline),
            subject=subject_fit(
                _("Aperture: %(lab)s: %(old)s -> %(new)s (%(rating)s)"),
                {**values, "lab": company.name},
                names=["lab"],
            ),
            url=absolute(company.get_absolute_url()),
            statements=[
                StatementRef(_summary(s), absolute(s.get_absolute_url())) for s in statements
            ],
            quote=_quote_for(cause, language) if cause is not None else None,
            new_statement=(
                StatementRef(_statement_line(published), absolute(published.get_absolute_url()))
                if published is not None
                else None
            ),
        )
    if event.kind == EventKind.STATEMENT_PUBLISHED and event.statement is not None:
        statement = event.statement
        values = {
            "lab": company.name,
            "stance": statement.get_stance_display(),
            "verification": statement.get_verification_display(),
            "date": mail_date(statement.occurred_on, statement.date_precision),
            "summary": _cause(statement),
        }
        headline = _(
            "%(lab)s: new statement (%(stance)s, %(verification)s) of %(date)s: %(summary)s"
        ) % {**values, "lab": isolate(company.name)}
        url = absolute(statement.get_absolute_url())
        return EventText(
            event_id=event.pk,
            created_at=event.created_at,
            kind=event.kind,
            headline=one_line(headline),
            subject=subject_fit(
                _("Aperture: %(lab)s: new statement (%(stance)s, %(verification)s)"),
                values,
                names=["lab"],
            ),
            url=url,
            statements=[StatementRef(_summary(statement), url)],
            quote=_quote_for(statement, language),
        )
    status = event.model_status_change
    assert status is not None, "event_points_at_its_change guarantees this"
    values = {
        "model": isolate(status.model.name),
        "lab": isolate(company.name),
        "status": status.get_status_display(),
        "date": mail_date(status.date, status.date_precision),
    }
    names = {**values, "model": status.model.name, "lab": company.name}
    if status.is_reported:
        headline = _("%(model)s (%(lab)s) is reported %(status)s as of %(date)s") % values
        subject = _("Aperture: %(model)s (%(lab)s) is reported %(status)s")
    else:
        headline = _("%(model)s (%(lab)s) is %(status)s as of %(date)s") % values
        subject = _("Aperture: %(model)s (%(lab)s) is %(status)s")
    quote = None
    if status.source is not None:
        quote = Quote(status.note, "", "", str(status.source), status.source.url)
    return EventText(
        event_id=event.pk,
        created_at=event.created_at,
        kind=event.kind,
        headline=one_line(headline),
        subject=subject_fit(subject, names, names=["model", "lab"]),
        url=absolute(status.model.get_absolute_url()),
        quote=quote,
    )


def events_for_render(event_ids: Sequence[int]) -> list[Event]:
    """Events with everything event_text reads, in a fixed number of queries."""
    return list(
        Event.objects.filter(pk__in=event_ids)
        .select_related(
            "company",
            "stance_change",
            "statement",
            "statement__company",
            "model_status_change__model",
            "model_status_change__source",
            "dataset_change__claim__record__dataset",
            "dataset_change__claim__record__model",
            "page_change__watch",
            "commitment_outcome__commitment__statement",
            "commitment_outcome__deciding_statement",
            "commitment_outcome__deciding_act",
        )
        # A page change's text and raw response stay in the database: the alert tells counts.
        .defer("page_change__text", "page_change__raw")
        .prefetch_related(
            "ai_models",
            "stance_change__statements__citations__source__publisher",
            "statement__citations__source__publisher",
        )
        .order_by("created_at", "id")
    )
