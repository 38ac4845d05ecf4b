"""What a commitment's outcome says in an alert (render.event_text hands COMMITMENT events here):
"Meta: “keep releasing leading open-source models”: kept", with the evidence and rationale."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.claims.models import OutcomeKind
from apps.lib.bilingual import text_for_reader
from apps.lib.text import isolate

from .models import Event
from .text_parts import CommitmentNote, EventText, absolute, mail_date, one_line, subject_fit


def commitment_text(event: Event) -> EventText:
    """The EventText of a commitment event, in the active language."""
    outcome = event.commitment_outcome
    assert outcome is not None, "event_points_at_its_change guarantees this"
    commitment = outcome.commitment
    company = event.company
    promise = one_line(str(text_for_reader(commitment, "promise")))
    label = str(OutcomeKind(outcome.outcome).label)
    values = {"lab": isolate(company.name), "promise": isolate(promise), "outcome": label}
    if outcome.outcome == OutcomeKind.OVERDUE and commitment.due_on is not None:
        values["date"] = mail_date(commitment.due_on)
        headline = _("%(lab)s promised to %(promise)s by %(date)s: overdue, no outcome recorded")
    else:
        values["date"] = mail_date(outcome.recorded_at.date())
        headline = _("%(lab)s promised to %(promise)s: %(outcome)s (judged %(date)s)")
    evidence_title = evidence_url = ""
    if outcome.deciding_statement is not None:
        evidence_title = one_line(outcome.deciding_statement.summary)
        evidence_url = absolute(outcome.deciding_statement.get_absolute_url())
    elif outcome.deciding_act is not None:
        act = outcome.deciding_act
        evidence_title = one_line(f"{act.subject}: {act.access_level} ({act.origin})")
        evidence_url = act.origin_url
    return EventText(
        event_id=event.pk,
        created_at=event.created_at,
        kind=event.kind,
        headline=one_line(headline % values),
        subject=subject_fit(
            _("Aperture: %(lab)s: commitment %(outcome)s: %(promise)s"),
            {"lab": company.name, "promise": promise, "outcome": label},
            names=["lab", "promise"],
        ),
        url=absolute(f"{company.get_absolute_url()}#commitment-{commitment.pk}"),
        commitment=CommitmentNote(
            promise=promise,
            outcome=outcome.outcome,
            outcome_label=label,
            rationale=one_line(str(text_for_reader(outcome, "rationale"))),
            evidence_rule=one_line(str(text_for_reader(commitment, "evidence_rule"))),
            evidence_title=evidence_title,
            evidence_url=evidence_url,
            due_on=mail_date(commitment.due_on) if commitment.due_on else "",
        ),
    )
