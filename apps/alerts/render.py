"""What an event says, in words, in the reader's language (the mails that carry it: mails.py)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from apps.claims.models import Citation, Statement
from apps.lib.bilingual import text_for_reader
from apps.lib.text import isolate

from .change_text import dataset_change_text, page_change_text
from .commitment_text import commitment_text
from .models import Event, EventKind
from .text_parts import EventText, Quote, StatementRef, absolute, mail_date, one_line, subject_fit


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


def _summary(statement: Statement) -> str:
    """In the mail's language when an editor wrote it (apps/lib/bilingual.py), else English."""
    return text_for_reader(statement, "summary").text


def _cause(statement: Statement | None) -> str:
    return isolate(one_line(_summary(statement)).rstrip(".")) if statement is not None else ""


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
        return dataset_change_text(event)
    if event.kind == EventKind.PAGE_CHANGE:
        return page_change_text(event)
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
