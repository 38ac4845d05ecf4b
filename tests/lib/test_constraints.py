"""Check constraints validated in one query (apps/lib/constraints.py): the same verdicts and
messages as Django's one-query-per-constraint validation, at a fraction of the round trips."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from apps.claims.models import QUOTE_MAX, SUMMARY_MAX, Statement
from tests.factories import company_make

pytestmark = pytest.mark.django_db


def _statement(**fields: object) -> Statement:
    values: dict[str, object] = {
        "company": company_make(),
        "kind": "official",
        "stance": "open",
        "occurred_on": datetime.date(2025, 7, 14),
        "summary": "A lab says it will keep releasing open models.",
        "speaker_label": "A spokesperson",
    }
    values.update(fields)
    return Statement(**values)


BROKEN = {
    "nothing broken": {},
    "no speaker": {"speaker_label": ""},
    "published without a time": {"state": "published"},
    "a quote without its language": {"quote": "We will keep releasing."},
    "too long a summary and quote": {
        "summary": "x" * (SUMMARY_MAX + 1),
        "quote": "y" * (QUOTE_MAX + 1),
        "quote_language": "en",
    },
}


def _django_errors(statement: Statement) -> dict[str, list[str]]:
    """What Django's own Model.validate_constraints says of ``statement``."""
    try:
        models.Model.validate_constraints(statement)
    except ValidationError as error:
        return error.message_dict
    return {}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_the_verdicts_and_messages_are_djangos(broken: dict[str, object]) -> None:
    statement = _statement(**broken)
    expected = _django_errors(statement)
    try:
        statement.validate_constraints()
        found: dict[str, list[str]] = {}
    except ValidationError as error:
        found = error.message_dict
    assert {k: sorted(v) for k, v in found.items()} == {k: sorted(v) for k, v in expected.items()}
    assert bool(found) == bool(broken)


def test_an_excluded_field_skips_the_constraints_that_name_it() -> None:
    statement = _statement(speaker_label="")
    with pytest.raises(ValidationError):
        statement.validate_constraints()
    statement.validate_constraints(exclude={"speaker", "speaker_label"})


def test_all_the_checks_are_one_query() -> None:
    statement = _statement()
    with CaptureQueriesContext(connection) as django_own:
        models.Model.validate_constraints(statement)
    with CaptureQueriesContext(connection) as batched:
        statement.validate_constraints()
    checks = [c for c in Statement._meta.constraints if isinstance(c, models.CheckConstraint)]
    assert len(checks) >= 5
    assert len(django_own) >= 2 * len(checks)  # a SELECT and its savepoint for each
    assert len(batched) <= 3  # one SELECT in one savepoint


def test_every_model_with_a_check_constraint_validates_its_checks_in_one_query() -> None:
    """One way everywhere: a model whose table has check constraints takes ChecksInOneQuery."""
    from django.apps import apps

    from apps.lib.constraints import ChecksInOneQuery

    taking_djangos_path = [
        model._meta.label
        for model in apps.get_models()
        if any(isinstance(c, models.CheckConstraint) for c in model._meta.constraints)
        and not issubclass(model, ChecksInOneQuery)
    ]
    assert taking_djangos_path == []
