"""The record's rules: constraints in the database, editorial rules in the services."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from apps.catalog.models import Alias, OpennessComponent
from apps.claims import services
from apps.claims.models import (
    Citation,
    EditorialState,
    StanceChange,
    Statement,
    StatementLink,
)
from tests.factories import company_make, model_make, statement_make

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_statement_linked_to_itself() -> None:
    statement = statement_make(company=company_make())
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementLink.objects.create(
            from_statement=statement, to_statement=statement, kind="contradicts"
        )


def test_the_database_refuses_a_citation_without_a_source() -> None:
    statement = statement_make(company=company_make())
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(statement=statement, source_id=None, excerpt="orphan")  # type: ignore[misc]


def test_the_database_refuses_a_statement_with_neither_speaker_nor_label() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(
            company=company_make(),
            kind="official",
            stance="open",
            occurred_on=datetime.date(2025, 7, 14),
            summary="Nobody said this",
        )


def test_the_database_refuses_a_known_openness_without_evidence() -> None:
    model = model_make(developer=company_make())
    with pytest.raises(IntegrityError), transaction.atomic():
        OpennessComponent.objects.create(model=model, component="weights", openness="open")
    OpennessComponent.objects.create(model=model, component="weights", openness="unknown")


def test_an_alias_names_a_company_or_a_model_but_not_both() -> None:
    company = company_make()
    model = model_make(developer=company)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alias.objects.create(company=company, model=model, name="Both")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alias.objects.create(name="Neither")


def test_publishing_needs_a_cited_source() -> None:
    statement = statement_make(company=company_make(), cited=False)
    with pytest.raises(ValidationError, match="cited source"):
        services.statement_publish(statement=statement, user=None)
    statement.refresh_from_db()
    assert statement.state == EditorialState.DRAFT
    assert not StanceChange.objects.exists()


def test_an_editor_can_submit_but_cannot_publish(editor: User) -> None:
    statement = statement_make(company=company_make())
    services.statement_submit(statement=statement, user=editor)
    assert statement.state == EditorialState.IN_REVIEW
    with pytest.raises(PermissionDenied):
        services.statement_publish(statement=statement, user=editor)
    with pytest.raises(PermissionDenied):
        services.assessment_pin(
            user=editor,
            company=statement.company,
            effective_from=datetime.date(2025, 1, 1),
            stance="closed",
            rationale="Because.",
        )
    statement.refresh_from_db()
    assert statement.state == EditorialState.IN_REVIEW


def test_a_reviewer_can_publish_and_retract(reviewer: User) -> None:
    statement = statement_make(company=company_make())
    services.statement_publish(statement=statement, user=reviewer)
    assert statement.state == EditorialState.PUBLISHED and statement.published_at is not None
    services.statement_retract(statement=statement, user=reviewer, reason="Source withdrew it.")
    assert statement.state == EditorialState.RETRACTED
    assert statement.retraction_reason == "Source withdrew it."


def test_staff_without_a_role_can_do_nothing_to_the_record(reader: User) -> None:
    company = company_make()
    with pytest.raises(PermissionDenied):
        services.statement_create(
            user=reader,
            company=company,
            kind="official",
            stance="open",
            occurred_on=datetime.date(2025, 1, 1),
            summary="x",
            speaker_label="y",
        )
    statement = statement_make(company=company)
    with pytest.raises(PermissionDenied):
        services.statement_submit(statement=statement, user=reader)


def test_retracting_needs_a_reason(reviewer: User) -> None:
    statement = statement_make(company=company_make(), publish=True)
    with pytest.raises(ValidationError):
        services.statement_retract(statement=statement, user=reviewer, reason="  ")


def test_a_published_statement_cannot_be_published_twice(reviewer: User) -> None:
    statement = statement_make(company=company_make(), publish=True)
    with pytest.raises(ValidationError):
        services.statement_publish(statement=statement, user=reviewer)


def test_publishing_writes_the_stance_change_with_its_causes(reviewer: User) -> None:
    lab = company_make()
    first = statement_make(company=lab, stance="open", occurred_on=datetime.date(2024, 1, 1))
    services.statement_publish(statement=first, user=reviewer)
    report = statement_make(
        company=lab,
        stance="closed",
        kind="action",
        occurred_on=datetime.date(2025, 7, 14),
    )
    services.statement_publish(statement=report, user=reviewer)
    changes = list(StanceChange.objects.current().filter(company=lab).order_by("date"))
    # (0.9 * 2^(-560/365) * 2 + 1.0 * -2) / (0.9 * 2^(-560/365) + 1.0) = -1.05
    assert [(c.old_stance, c.new_stance, c.rating) for c in changes] == [
        ("", "open", "no_shift"),
        ("open", "leaning_closed", "full_reversal"),
    ]
    assert list(changes[1].statements.all()) == [report]


def test_retracting_supersedes_the_change_it_caused_and_keeps_it(reviewer: User) -> None:
    lab = company_make()
    statement_make(company=lab, stance="open", occurred_on=datetime.date(2025, 1, 1), publish=True)
    report = statement_make(
        company=lab, stance="closed", kind="action", occurred_on=datetime.date(2025, 7, 14)
    )
    services.statement_publish(statement=report, user=reviewer)
    services.statement_retract(statement=report, user=reviewer, reason="Wrong company.")
    assert StanceChange.objects.filter(company=lab).count() == 2
    current = StanceChange.objects.current().filter(company=lab)
    assert [(c.old_stance, c.new_stance) for c in current] == [("", "open")]


def test_a_failed_stance_write_rolls_back_the_publication(reviewer: User) -> None:
    lab = company_make()
    statement = statement_make(company=lab, occurred_on=datetime.date(2025, 1, 1))
    # A trigger in the real database makes writing the stance change fail: the statement must
    # not end up published without the stance change it causes.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION refuse_stance_change() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'stance changes are refused'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse BEFORE INSERT ON claims_stancechange
            FOR EACH ROW EXECUTE FUNCTION refuse_stance_change();
            """
        )
    with pytest.raises(DatabaseError, match="refused"):
        services.statement_publish(statement=statement, user=reviewer)
    statement.refresh_from_db()
    assert statement.state == EditorialState.DRAFT
    assert statement.history.filter(state="published").count() == 0


def test_every_change_is_in_the_history_with_who_made_it(editor: User, reviewer: User) -> None:
    statement = statement_make(company=company_make())
    services.statement_submit(statement=statement, user=editor)
    services.statement_publish(statement=statement, user=reviewer)
    records = list(statement.history.order_by("history_date"))
    assert [r.state for r in records] == ["draft", "in_review", "published"]
    assert [r.history_user for r in records[1:]] == [editor, reviewer]
    assert records[2].history_change_reason == "Published"


def test_an_editors_pin_overrides_the_derived_stance(reviewer: User) -> None:
    lab = company_make()
    statement_make(company=lab, stance="open", occurred_on=datetime.date(2025, 1, 1), publish=True)
    services.assessment_pin(
        user=reviewer,
        company=lab,
        effective_from=datetime.date(2025, 6, 1),
        stance="mixed",
        rationale="Its new models are API only.",
    )
    latest = StanceChange.objects.current().filter(company=lab).latest("date")
    assert (latest.date, latest.new_stance, latest.assessment is not None) == (
        datetime.date(2025, 6, 1),
        "mixed",
        True,
    )


@pytest.mark.slow
def test_the_stance_history_is_the_same_whatever_order_statements_are_published_in() -> None:
    specs = [
        ("open", "executive", "confirmed", datetime.date(2024, 7, 23)),
        ("open", "action", "confirmed", datetime.date(2025, 4, 5)),
        ("leaning_closed", "unnamed_report", "reported", datetime.date(2025, 7, 14)),
        ("mixed", "official", "confirmed", datetime.date(2025, 7, 14)),
        ("closed", "analysis", "disputed", datetime.date(2025, 9, 1)),
    ]

    def history(order: list[int]) -> list[tuple[object, ...]]:
        lab = company_make()
        drafts = [
            statement_make(company=lab, stance=s, kind=k, verification=v, occurred_on=d)
            for s, k, v, d in specs
        ]
        StatementLink.objects.create(
            from_statement=drafts[3], to_statement=drafts[2], kind="denies"
        )
        for index in order:
            services.statement_publish(statement=drafts[index], user=None)
        return [
            (c.date, c.old_stance, c.new_stance, c.rating, round(c.score, 9))
            for c in StanceChange.objects.current().filter(company=lab).order_by("date")
        ]

    forwards = history([0, 1, 2, 3, 4])
    assert forwards == history([4, 3, 2, 1, 0]) == history([2, 4, 0, 3, 1])
    assert [c[2] for c in forwards] == ["open", "leaning_open"]


def test_removing_a_pin_returns_the_stance_to_the_formula(reviewer: User) -> None:
    lab = company_make()
    statement_make(company=lab, stance="open", occurred_on=datetime.date(2025, 1, 1), publish=True)
    pin = services.assessment_pin(
        user=reviewer,
        company=lab,
        effective_from=datetime.date(2025, 6, 1),
        stance="closed",
        rationale="Test pin.",
    )
    services.assessment_delete(assessment=pin, user=reviewer)
    assert [c.new_stance for c in StanceChange.objects.current().filter(company=lab)] == ["open"]
