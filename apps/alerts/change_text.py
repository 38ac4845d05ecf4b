"""What a dataset's changed claim and a watched page's accepted change say in an alert
(render.event_text hands DATASET_CHANGE and PAGE_CHANGE events here)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.claims.models import EditorialState
from apps.datasets.compare import web_link
from apps.datasets.labels import dataset_short_name, part_label, value_label
from apps.lib.text import isolate
from apps.watch.diff import diff_counts, diff_summary

from .models import Event
from .text_parts import (
    SUBJECT_MAX,
    DatasetNote,
    EventText,
    PageNote,
    absolute,
    mail_date,
    one_line,
    shortened,
    subject_fit,
)


def dataset_change_text(event: Event) -> EventText:
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


def page_change_text(event: Event) -> EventText:
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
