"""Free text has a length limit at every door: the admin's form, the services, the database."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.catalog.models import DESCRIPTION_MAX, AIModel, Company
from apps.claims import services
from apps.claims.models import (
    QUOTE_MAX,
    RATIONALE_MAX,
    REASON_MAX,
    SUMMARY_MAX,
    Citation,
    StanceAssessment,
    Statement,
)
from tests.claims.test_admin import logged_in, statement_form
from tests.factories import company_make, model_make, source_make, statement_make

pytestmark = pytest.mark.django_db


def test_the_admin_form_marks_and_enforces_the_limits_of_a_statement(editor: User) -> None:
    company, source = company_make(), source_make()
    client = logged_in(editor)
    form = client.get(reverse("admin:claims_statement_add")).content.decode()
    textareas = dict(re.findall(r'<textarea name="([\w-]+)"[^>]*? maxlength="(\d+)"', form))
    assert textareas["summary"] == str(SUMMARY_MAX)
    assert textareas["quote"] == textareas["translation"] == str(QUOTE_MAX)
    assert textareas["citations-0-excerpt"] == str(QUOTE_MAX)

    response = client.post(
        reverse("admin:claims_statement_add"),
        statement_form(
            company.pk,
            source.pk,
            summary="s" * (SUMMARY_MAX + 1),
            quote="q" * (QUOTE_MAX + 1),
            **{"citations-0-excerpt": "e" * (QUOTE_MAX + 1)},
        ),
    )
    assert response.status_code == 200, "the form comes back with its errors"
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"summary", "quote"}
    assert "at most 2000 characters" in errors["summary"][0]
    assert not response.context["inline_admin_formsets"][0].formset.is_valid()
    assert not Statement.objects.exists()


def test_a_statement_at_its_limits_is_saved_and_one_character_more_is_refused() -> None:
    company = company_make()
    statement = statement_make(
        company=company,
        summary="s" * SUMMARY_MAX,
        quote="q" * QUOTE_MAX,
        quote_language="en",
        translation="t" * QUOTE_MAX,
    )
    assert len(statement.summary) == SUMMARY_MAX
    with pytest.raises(ValidationError) as refused:
        services.statement_create(
            user=None,
            company=company,
            kind="official",
            stance="open",
            occurred_on=statement.occurred_on,
            speaker_label="Spokesperson",
            summary="s" * (SUMMARY_MAX + 1),
            translation="t" * (QUOTE_MAX + 1),
        )
    assert set(refused.value.message_dict) == {"summary", "translation"}
    assert Statement.objects.count() == 1


def _statement() -> Statement:
    return statement_make(company=company_make())


ROWS: dict[str, tuple[Any, str, int]] = {
    "statement summary": (_statement, "summary", SUMMARY_MAX),
    "statement quote": (_statement, "quote", QUOTE_MAX),
    "statement translation": (_statement, "translation", QUOTE_MAX),
    "retraction reason": (_statement, "retraction_reason", REASON_MAX),
    "citation excerpt": (lambda: _statement().citations.get(), "excerpt", QUOTE_MAX),
    "lab description": (company_make, "description", DESCRIPTION_MAX),
    "model description": (
        lambda: model_make(developer=company_make()),
        "description",
        DESCRIPTION_MAX,
    ),
}


@pytest.mark.parametrize("what", ROWS)
def test_the_database_refuses_an_overlong_text_written_past_the_services(what: str) -> None:
    make, field, limit = ROWS[what]
    row = make()
    model = type(row)
    if field == "quote":
        model.objects.filter(pk=row.pk).update(quote_language="en")
    model.objects.filter(pk=row.pk).update(**{field: "x" * limit})
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "x" * 50_000})


def test_the_database_refuses_an_overlong_rationale_for_a_pinned_stance() -> None:
    company = company_make()
    with pytest.raises(IntegrityError), transaction.atomic():
        StanceAssessment.objects.create(
            company=company,
            effective_from="2025-07-14",
            stance="open",
            rationale="r" * (RATIONALE_MAX + 1),
        )


@pytest.mark.slow
def test_the_demo_record_fits_every_limit() -> None:
    call_command("seed", verbosity=0)
    rows: list[Any] = [
        *Statement.objects.all(),
        *Citation.objects.all(),
        *Company.objects.all(),
        *AIModel.objects.all(),
    ]
    assert len(rows) > 20
    for row in rows:
        row.full_clean(validate_unique=False, validate_constraints=False)


def test_a_retraction_with_a_long_reason_keeps_it_whole_and_the_history_shortened() -> None:
    statement = statement_make(company=company_make(), publish=True)
    reason = "The date was wrong: " + "r" * (REASON_MAX - 20)
    services.statement_retract(statement=statement, user=None, reason=reason)
    statement.refresh_from_db()
    assert statement.retraction_reason == reason
    latest = statement.history.order_by("-history_date", "-history_id").first()
    assert latest is not None and latest.history_change_reason is not None
    assert latest.history_change_reason.startswith("Retracted: The date was wrong: r")
    assert len(latest.history_change_reason) == 100
