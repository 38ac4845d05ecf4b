"""Commitments: an editor marks a statement as a promise, a reviewer records what became of it
with the evidence that decides it, the due date makes it overdue by itself, and later acts by
the same lab are proposed to reviewers, never decided for them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from pytest_django import Settings as SettingsWrapper

from apps.claims import commitment_suggestions, commitments, tasks
from apps.claims.acts import ActRecorded, acts_record
from apps.claims.models import (
    Commitment,
    CommitmentOutcome,
    CommitmentStatus,
    OutcomeKind,
    OutcomeSuggestion,
    RecordedAct,
    Statement,
    SuggestionState,
)
from apps.claims.selectors import commitments_for_display, kept_ratios
from apps.datasets.models import ImportRun
from apps.datasets.services import dataset_import
from tests.datasets.helpers import HEADER, serve
from tests.factories import company_make, model_make, statement_make
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db

SAID = datetime.date(2025, 7, 14)


def promise_make(statement: Statement, **fields: Any) -> Commitment:
    fields.setdefault("promise", "release the weights of its next frontier model")
    fields.setdefault("evidence_rule", "Kept if the next frontier model's weights are released.")
    if "due_on" not in fields:
        fields.setdefault("condition", "with the next major release")
    return commitments.commitment_mark(user=None, statement=statement, **fields)


def act_make(company: Any, *, stance: str = "open", on: datetime.date, **fields: Any) -> Statement:
    return statement_make(
        company=company, kind="action", stance=stance, occurred_on=on, publish=True, **fields
    )


@pytest.fixture
def lab() -> Any:
    return company_make(name="Meta", slug="meta")


@pytest.fixture
def promised(lab: Any) -> Commitment:
    return promise_make(statement_make(company=lab, occurred_on=SAID, publish=True))


def history(commitment: Commitment) -> list[str]:
    return list(commitment.outcomes.order_by("recorded_at", "id").values_list("outcome", flat=True))


def test_a_reviewer_records_an_outcome_with_the_act_that_decides_it(
    lab: Any, promised: Commitment, reviewer: User
) -> None:
    release = act_make(lab, on=SAID + datetime.timedelta(days=90))
    row = commitments.commitment_outcome_record(
        commitment=promised,
        user=reviewer,
        outcome=OutcomeKind.KEPT,
        rationale="The weights were released on the day.",
        deciding_statement=release,
    )

    promised.refresh_from_db()
    assert promised.status == CommitmentStatus.KEPT and promised.is_resolved
    assert (row.deciding_statement, row.recorded_by) == (release, reviewer)
    assert history(promised) == ["kept"]


def test_an_editor_may_mark_a_commitment_but_not_judge_it(
    lab: Any, promised: Commitment, editor: User
) -> None:
    release = act_make(lab, on=SAID)
    statement = statement_make(company=lab, occurred_on=SAID, publish=True)
    marked = commitments.commitment_mark(
        user=editor, statement=statement, promise="p", evidence_rule="e", condition="c"
    )
    assert marked.created_by == editor and marked.status == CommitmentStatus.PENDING
    with pytest.raises(PermissionDenied):
        commitments.commitment_outcome_record(
            commitment=promised,
            user=editor,
            outcome=OutcomeKind.KEPT,
            rationale="r",
            deciding_statement=release,
        )
    assert history(promised) == []


def test_a_due_date_before_the_statement_is_refused_with_a_clear_message(lab: Any) -> None:
    statement = statement_make(company=lab, occurred_on=SAID, publish=True)
    with pytest.raises(ValidationError) as refused:
        promise_make(statement, due_on=SAID - datetime.timedelta(days=1))
    message = " ".join(refused.value.message_dict["due_on"])
    assert "before the statement was made" in message and "2025-07-13" in message
    assert not Commitment.objects.exists()
    # The day itself is allowed: a promise may fall due the day it is made.
    assert promise_make(statement, due_on=SAID).due_on == SAID


def test_a_commitment_needs_a_due_date_or_a_condition(lab: Any) -> None:
    statement = statement_make(company=lab, occurred_on=SAID, publish=True)
    with pytest.raises(ValidationError, match="due date, or a condition"):
        commitments.commitment_mark(user=None, statement=statement, promise="p", evidence_rule="e")


def test_an_outcome_without_evidence_cannot_be_published(
    promised: Commitment, reviewer: User
) -> None:
    with pytest.raises(ValidationError, match="decides it before it can be published"):
        commitments.commitment_outcome_record(
            commitment=promised, user=reviewer, outcome=OutcomeKind.BROKEN, rationale="r"
        )
    # Nor by any other door: the database refuses the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentOutcome.objects.create(
            commitment=promised, outcome=OutcomeKind.BROKEN, rationale="r"
        )
    promised.refresh_from_db()
    assert promised.status == CommitmentStatus.PENDING and history(promised) == []


def test_a_draft_statement_cannot_decide_an_outcome(
    lab: Any, promised: Commitment, reviewer: User
) -> None:
    draft = statement_make(company=lab, kind="action", occurred_on=SAID)
    with pytest.raises(ValidationError, match="must be published"):
        commitments.commitment_outcome_record(
            commitment=promised,
            user=reviewer,
            outcome=OutcomeKind.KEPT,
            rationale="r",
            deciding_statement=draft,
        )


@pytest.mark.slow
def test_reopening_keeps_the_earlier_outcome_in_the_history(
    lab: Any, promised: Commitment, reviewer: User
) -> None:
    first = act_make(lab, stance="closed", on=SAID + datetime.timedelta(days=30))
    later = act_make(lab, stance="open", on=SAID + datetime.timedelta(days=200))
    commitments.commitment_outcome_record(
        commitment=promised,
        user=reviewer,
        outcome=OutcomeKind.BROKEN,
        rationale="API only.",
        deciding_statement=first,
    )
    with pytest.raises(ValidationError, match="reopen it first"):
        commitments.commitment_outcome_record(
            commitment=promised,
            user=reviewer,
            outcome=OutcomeKind.KEPT,
            rationale="r",
            deciding_statement=later,
        )

    commitments.commitment_reopen(commitment=promised, user=reviewer, rationale="Weights came.")
    promised.refresh_from_db()
    assert promised.status == CommitmentStatus.PENDING
    commitments.commitment_outcome_record(
        commitment=promised,
        user=reviewer,
        outcome=OutcomeKind.KEPT,
        rationale="Released later.",
        deciding_statement=later,
    )
    promised.refresh_from_db()
    assert promised.status == CommitmentStatus.KEPT
    assert history(promised) == ["broken", "reopened", "kept"]
    with pytest.raises(ValidationError, match="Only a resolved"):
        commitments.commitment_reopen(
            commitment=promise_make(statement_make(company=lab, publish=True)),
            user=reviewer,
            rationale="r",
        )


def test_a_commitment_becomes_overdue_once_when_its_due_date_passes(lab: Any) -> None:
    due = promise_make(statement_make(company=lab, publish=True), due_on=SAID)
    on_condition = promise_make(statement_make(company=lab, publish=True))
    unpublished = promise_make(statement_make(company=lab), due_on=SAID)

    assert commitments.commitments_overdue_mark(today=SAID) == [], "due today is not late"
    [marked] = commitments.commitments_overdue_mark(today=SAID + datetime.timedelta(days=1))
    again = commitments.commitments_overdue_mark(today=SAID + datetime.timedelta(days=2))

    due.refresh_from_db()
    assert due.status == CommitmentStatus.OVERDUE and again == []
    row = CommitmentOutcome.objects.get(pk=marked)
    assert row.commitment == due and "2025-07-14" in row.rationale and row.recorded_by is None
    for untouched in (on_condition, unpublished):
        untouched.refresh_from_db()
        assert untouched.status == CommitmentStatus.PENDING


def test_the_beat_task_marks_what_is_due(lab: Any) -> None:
    due = promise_make(statement_make(company=lab, publish=True), due_on=SAID)
    assert tasks.commitments_overdue.apply().get() == 1
    due.refresh_from_db()
    assert due.status == CommitmentStatus.OVERDUE


def test_an_overdue_commitment_can_still_be_resolved_and_keeps_overdue_in_its_history(
    lab: Any, reviewer: User
) -> None:
    due = promise_make(statement_make(company=lab, publish=True), due_on=SAID)
    commitments.commitments_overdue_mark(today=SAID + datetime.timedelta(days=5))
    late = act_make(lab, on=SAID + datetime.timedelta(days=10))
    commitments.commitment_outcome_record(
        commitment=due,
        user=reviewer,
        outcome=OutcomeKind.PARTLY_KEPT,
        rationale="Late, and only the small model.",
        deciding_statement=late,
    )
    assert history(due) == ["overdue", "partly_kept"]


@pytest.mark.slow
def test_a_matching_act_by_the_same_lab_becomes_a_suggestion_never_a_verdict(
    lab: Any, reviewer: User
) -> None:
    behemoth = model_make(developer=lab, name="Llama 4 Behemoth")
    other_model = model_make(developer=lab, name="Llama 3")
    commitment = promise_make(
        statement_make(company=lab, occurred_on=SAID, publish=True), ai_models=[behemoth]
    )
    other_lab = company_make(name="OpenAI")

    act_make(other_lab, on=SAID + datetime.timedelta(days=3), ai_models=[behemoth])
    act_make(lab, on=SAID - datetime.timedelta(days=3), ai_models=[behemoth])
    act_make(lab, on=SAID + datetime.timedelta(days=3), ai_models=[other_model])
    statement_make(company=lab, kind="official", occurred_on=SAID, publish=True)
    assert not OutcomeSuggestion.objects.exists(), "other labs, earlier acts, other models"

    matching = act_make(
        lab, stance="closed", on=SAID + datetime.timedelta(days=60), ai_models=[behemoth]
    )

    [suggestion] = OutcomeSuggestion.objects.all()
    assert (suggestion.commitment, suggestion.act_statement) == (commitment, matching)
    assert suggestion.outcome == OutcomeKind.BROKEN and "Llama 4 Behemoth" in suggestion.rationale
    assert suggestion.state == SuggestionState.PENDING
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.PENDING and history(commitment) == []

    commitment_suggestions.outcome_suggestion_accept(suggestion=suggestion, user=reviewer)
    commitment.refresh_from_db()
    suggestion.refresh_from_db()
    assert commitment.status == CommitmentStatus.BROKEN
    assert suggestion.state == SuggestionState.ACCEPTED and suggestion.decided_by == reviewer
    assert commitment.outcomes.get().deciding_statement == matching


def test_keywords_match_an_acts_text_and_a_dataset_release_is_proposed_too(lab: Any) -> None:
    commitment = promise_make(
        statement_make(company=lab, occurred_on=SAID, publish=True), keywords="Behemoth, Llama 5"
    )
    act_make(lab, on=SAID + datetime.timedelta(days=1), summary="Meta ships a new chatbot.")
    assert not OutcomeSuggestion.objects.exists()

    acts_record(
        acts=[
            ActRecorded(
                company=lab,
                subject="Llama 5 70B",
                occurred_on=SAID + datetime.timedelta(days=100),
                access_level="API access",
                origin="Epoch AI",
                origin_key="llama-5-70b",
            )
        ]
    )

    [suggestion] = OutcomeSuggestion.objects.all()
    assert suggestion.recorded_act == RecordedAct.objects.get(origin_key="llama-5-70b")
    assert suggestion.commitment == commitment and "Llama 5" in suggestion.rationale
    assert suggestion.outcome == OutcomeKind.BROKEN
    # The same act read again proposes nothing new.
    assert commitment_suggestions.outcome_suggestions_propose(acts=[suggestion.recorded_act]) == []


def test_a_dismissed_suggestion_leaves_the_commitment_as_it_was(
    lab: Any, promised: Commitment, reviewer: User, editor: User
) -> None:
    act_make(lab, on=SAID + datetime.timedelta(days=1))
    [suggestion] = OutcomeSuggestion.objects.all()
    with pytest.raises(PermissionDenied):
        commitment_suggestions.outcome_suggestion_dismiss(suggestion=suggestion, user=editor)
    commitment_suggestions.outcome_suggestion_dismiss(suggestion=suggestion, user=reviewer)
    suggestion.refresh_from_db()
    promised.refresh_from_db()
    assert suggestion.state == SuggestionState.DISMISSED
    assert promised.status == CommitmentStatus.PENDING


@pytest.mark.slow
def test_the_lab_lists_overdue_first_and_counts_its_kept_ratio(lab: Any, reviewer: User) -> None:
    pending = promise_make(statement_make(company=lab, publish=True), promise="pending one")
    overdue = promise_make(statement_make(company=lab, publish=True), due_on=SAID)
    commitments.commitments_overdue_mark(today=SAID + datetime.timedelta(days=1))
    evidence = act_make(lab, on=SAID + datetime.timedelta(days=2))
    kept = []
    for outcome in ("kept", "kept", "broken"):
        item = promise_make(statement_make(company=lab, publish=True))
        commitments.commitment_outcome_record(
            commitment=item,
            user=reviewer,
            outcome=outcome,
            rationale="r",
            deciding_statement=evidence,
        )
        kept.append(item)
    promise_make(statement_make(company=lab), promise="a draft's promise is not shown")

    listed = commitments_for_display(company_ids=[lab.pk])
    ratio = kept_ratios(company_ids=[lab.pk, company_make(name="Empty").pk])

    assert [c.pk for c in listed[:2]] == [overdue.pk, pending.pk]
    assert {c.pk for c in listed[2:]} == {c.pk for c in kept}
    counts = ratio[lab.pk]
    assert (counts.kept, counts.resolved, counts.pending, counts.overdue) == (2, 3, 1, 1)
    assert counts.ratio == pytest.approx(2 / 3)
    assert [r.ratio for pk, r in ratio.items() if pk != lab.pk] == [None]


def test_the_seed_marks_the_spokespersons_promise_as_a_pending_commitment(seeded: None) -> None:
    commitment = Commitment.objects.get(statement__import_key="meta-2025-spokesperson-reply")
    assert commitment.status == CommitmentStatus.PENDING
    assert commitment.promise == "keep releasing leading open-source models"
    assert commitment.promiser == "Meta spokesperson"
    assert "Kept if" in commitment.evidence_rule and "Broken if" in commitment.evidence_rule
    assert commitment.evidence_rule_ja and commitment.condition and commitment.due_on is None


# The admin: editors and reviewers do all of this there.


def _outcome_management(total: int, initial: int) -> dict[str, Any]:
    return {
        "outcomes-TOTAL_FORMS": str(total),
        "outcomes-INITIAL_FORMS": str(initial),
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "1000",
    }


def _commitment_fields(commitment: Commitment) -> dict[str, Any]:
    return {
        "statement": commitment.statement_id,
        "promise": commitment.promise,
        "promise_ja": "",
        "promised_by": "",
        "due_on": "",
        "condition": commitment.condition,
        "condition_ja": "",
        "evidence_rule": commitment.evidence_rule,
        "evidence_rule_ja": "",
        "keywords": "",
    }


def test_an_editor_marks_a_commitment_in_the_admin_and_a_bad_due_date_is_explained(
    lab: Any, editor: User
) -> None:
    statement = statement_make(company=lab, occurred_on=SAID, publish=True)
    client = Client()
    client.force_login(editor)
    fields = {
        "statement": statement.pk,
        "promise": "open the next model",
        "promised_by": "Meta spokesperson",
        "due_on": "2025-07-01",
        "condition": "",
        "evidence_rule": "Kept if its weights are published.",
        **_outcome_management(0, 0),
    }
    url = reverse("admin:claims_commitment_add")
    refused = client.post(url, fields)
    assert refused.status_code == 200
    assert "before the statement was made" in refused.content.decode()
    assert not Commitment.objects.exists()

    saved = client.post(url, {**fields, "due_on": "2026-07-01"})
    assert saved.status_code == 302, saved.content[:1000]
    commitment = Commitment.objects.get()
    assert (commitment.statement, commitment.created_by) == (statement, editor)
    assert commitment.status == CommitmentStatus.PENDING


@pytest.mark.slow
def test_a_reviewer_records_an_outcome_in_the_admin_only_with_evidence(
    lab: Any, promised: Commitment, reviewer: User
) -> None:
    release = act_make(lab, on=SAID + datetime.timedelta(days=9))
    client = Client()
    client.force_login(reviewer)
    url = reverse("admin:claims_commitment_change", args=[promised.pk])
    outcome = {
        "outcomes-0-outcome": "kept",
        "outcomes-0-rationale": "Weights on the day.",
        "outcomes-0-rationale_ja": "",
    }
    fields = {**_commitment_fields(promised), **_outcome_management(1, 0), **outcome}

    refused = client.post(url, fields)
    assert refused.status_code == 200
    assert "decides it before it can be published" in refused.content.decode()
    assert history(promised) == []

    saved = client.post(url, {**fields, "outcomes-0-deciding_statement": release.pk})
    assert saved.status_code == 302, saved.content[:1000]
    promised.refresh_from_db()
    assert promised.status == CommitmentStatus.KEPT
    assert promised.outcomes.get().recorded_by == reviewer


@pytest.mark.slow
def test_reviewers_accept_suggestions_from_the_admin_queue(
    lab: Any, promised: Commitment, reviewer: User
) -> None:
    act_make(lab, on=SAID + datetime.timedelta(days=1))
    [suggestion] = OutcomeSuggestion.objects.all()
    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("admin:claims_outcomesuggestion_changelist"))
    assert page.status_code == 200 and promised.promise[:40] in page.content.decode()
    response = client.post(
        reverse("admin:claims_outcomesuggestion_changelist"),
        {"action": "accept_selected", "_selected_action": [suggestion.pk]},
    )
    assert response.status_code == 302
    promised.refresh_from_db()
    assert promised.status == CommitmentStatus.KEPT


def test_reopening_from_the_admin_asks_why(lab: Any, promised: Commitment, reviewer: User) -> None:
    release = act_make(lab, on=SAID)
    commitments.commitment_outcome_record(
        commitment=promised,
        user=reviewer,
        outcome="withdrawn",
        rationale="The lab said so.",
        deciding_statement=release,
    )
    client = Client()
    client.force_login(reviewer)
    url = reverse("admin:claims_commitment_changelist")
    asked = client.post(url, {"action": "reopen_selected", "_selected_action": [promised.pk]})
    assert asked.status_code == 200 and "rationale" in asked.content.decode()
    done = client.post(
        url,
        {"action": "reopen_selected", "_selected_action": [promised.pk], "rationale": "Misread."},
    )
    assert done.status_code == 302
    promised.refresh_from_db()
    assert promised.status == CommitmentStatus.PENDING
    assert history(promised) == ["withdrawn", "reopened"]


def test_a_dataset_import_proposes_its_release_to_resolve_a_pending_commitment(
    http_server: LocalHTTPServer, settings: SettingsWrapper
) -> None:
    """The real import path (a CSV served locally, read, matched, its releases recorded)."""
    settings.FETCH_ALLOW_PRIVATE = True  # the test server is on loopback
    lab = company_make(name="Lab One", slug="lab-one")
    commitment = promise_make(
        statement_make(company=lab, occurred_on=datetime.date(2024, 1, 10), publish=True),
        keywords="Alpha",
    )
    body = HEADER + (
        "Alpha-7B,Lab One,2024-07-23,7000000000,Open weights (non-commercial),,,\n"
        "Alpha-old,Lab One,2023-07-23,,Open weights (unrestricted),,,\n"
        "Beta,Lab One,2024-08-01,,API access,,,\n"
    )
    run = dataset_import(dataset="epoch", source=serve(http_server, "/acts.csv", body.encode()))
    assert run.state == ImportRun.State.OK

    [suggestion] = OutcomeSuggestion.objects.select_related("recorded_act")
    assert suggestion.commitment == commitment and suggestion.recorded_act is not None
    assert suggestion.recorded_act.subject == "Alpha-7B", "the earlier release and Beta are not"
    assert suggestion.outcome == OutcomeKind.KEPT and "Epoch AI" in suggestion.rationale
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.PENDING


@pytest.mark.slow
def test_a_statements_admin_page_links_to_its_commitment_or_offers_to_mark_one(
    lab: Any, promised: Commitment, editor: User
) -> None:
    client = Client()
    client.force_login(editor)
    marked = client.get(reverse("admin:claims_statement_change", args=[promised.statement_id]))
    assert reverse("admin:claims_commitment_change", args=[promised.pk]) in marked.content.decode()
    other = statement_make(company=lab)
    page = client.get(reverse("admin:claims_statement_change", args=[other.pk])).content.decode()
    assert f"{reverse('admin:claims_commitment_add')}?statement={other.pk}" in page
    form = client.get(f"{reverse('admin:claims_commitment_add')}?statement={other.pk}")
    assert f'value="{other.pk}" selected' in form.content.decode()
