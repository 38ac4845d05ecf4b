"""Acts beside words: imported acts in the stance, and the "says" and "does" series."""

from __future__ import annotations

import datetime

import pytest

from apps.catalog.models import Company
from apps.claims import acts as claims_acts
from apps.claims import selectors
from apps.claims import stance as engine
from apps.claims.models import RecordedAct, Stance, StanceChange, StatementKind, Verification
from tests.factories import company_make, statement_make

D = datetime.date
RELEASED = D(2024, 7, 23)


def evidence(
    id: int, on: datetime.date, stance: str, kind: str, verification: str
) -> engine.Evidence:
    return engine.Evidence(
        id=id, occurred_on=on, stance=stance, kind=kind, verification=verification
    )


def imported(id: int, on: datetime.date, stance: str) -> engine.Evidence:
    return evidence(-id, on, stance, engine.IMPORTED_ACT, engine.IMPORTED)


def act(
    company: Company, key: str, level: str, on: datetime.date = RELEASED
) -> claims_acts.ActRecorded:
    return claims_acts.ActRecorded(
        company=company,
        subject=key,
        occurred_on=on,
        access_level=level,
        origin="Test dataset",
        origin_key=key,
        origin_url="https://example.org/data",
        attribution="Test dataset, CC BY 4.0",
    )


@pytest.mark.parametrize(
    ("level", "stance"),
    [
        ("Open weights (unrestricted)", Stance.OPEN),
        ("Open weights (restricted use)", Stance.LEANING_OPEN),
        ("Open weights (non-commercial)", Stance.LEANING_OPEN),
        ("Open access (restricted use)", Stance.LEANING_OPEN),
        ("API access", Stance.LEANING_CLOSED),
        ("Hosted access (no API)", Stance.LEANING_CLOSED),
        ("Unreleased", Stance.CLOSED),
        ("", None),
        ("Something else", None),
    ],
)
def test_an_access_level_maps_to_the_documented_stance(level: str, stance: str | None) -> None:
    assert engine.stance_for_access(level) == stance


def test_an_imported_act_moves_the_stance_less_than_the_same_verified_act() -> None:
    words = evidence(1, D(2024, 1, 1), Stance.OPEN, StatementKind.OFFICIAL, Verification.CONFIRMED)
    verified = evidence(
        2, D(2024, 1, 1), Stance.CLOSED, StatementKind.ACTION, Verification.CONFIRMED
    )
    on_record = imported(3, D(2024, 1, 1), Stance.CLOSED)
    alone = engine.stance_score_at([words], [], D(2024, 1, 1))
    with_verified = engine.stance_score_at([words, verified], [], D(2024, 1, 1))
    with_imported = engine.stance_score_at([words, on_record], [], D(2024, 1, 1))
    assert alone is not None and with_verified is not None and with_imported is not None
    assert alone - with_imported < alone - with_verified
    assert with_imported < alone


def test_an_imported_act_weighs_less_than_a_reported_editor_act() -> None:
    imported_weight = (
        engine.KIND_WEIGHT[engine.IMPORTED_ACT] * engine.VERIFICATION_WEIGHT[engine.IMPORTED]
    )
    reported_act = (
        engine.KIND_WEIGHT[StatementKind.ACTION] * engine.VERIFICATION_WEIGHT[Verification.REPORTED]
    )
    assert imported_weight < reported_act


def test_says_and_does_split_words_from_acts_and_flag_two_steps_apart() -> None:
    says_open = evidence(
        1, D(2024, 1, 1), Stance.OPEN, StatementKind.EXECUTIVE, Verification.CONFIRMED
    )
    does_closed = imported(2, D(2024, 6, 1), Stance.LEANING_CLOSED)
    says, does = engine.says_and_does([says_open, does_closed])
    assert [c.new_stance for c in says] == [Stance.OPEN]
    assert [c.new_stance for c in does] == [Stance.LEANING_CLOSED]
    assert engine.divergences(says, does) == [
        engine.Divergence(D(2024, 6, 1), None, Stance.OPEN, Stance.LEANING_CLOSED)
    ]


def test_one_step_apart_is_not_a_divergence() -> None:
    says, does = engine.says_and_does(
        [
            evidence(
                1, D(2024, 1, 1), Stance.OPEN, StatementKind.EXECUTIVE, Verification.CONFIRMED
            ),
            imported(2, D(2024, 6, 1), Stance.LEANING_OPEN),
        ]
    )
    assert engine.divergences(says, does) == []


@pytest.mark.django_db
def test_a_lab_with_only_imported_acts_gets_a_stance_history() -> None:
    company = company_make()
    result = claims_acts.acts_record(
        acts=[
            act(company, "A", "Open weights (unrestricted)", D(2023, 2, 1)),
            act(company, "B", "API access"),
        ]
    )
    assert (result.created, result.companies_recomputed) == (2, 1)
    changes = list(StanceChange.objects.current().filter(company=company).order_by("date"))
    assert [(c.date, c.new_stance) for c in changes] == [
        (D(2023, 2, 1), Stance.OPEN),
        (D(2024, 7, 23), Stance.MIXED),
    ]
    assert all(not c.statements.exists() for c in changes)


@pytest.mark.django_db
def test_recording_the_same_acts_again_writes_nothing() -> None:
    company = company_make()
    acts = [act(company, "A", "Open weights (unrestricted)"), act(company, "B", "Teleported")]
    first = claims_acts.acts_record(acts=acts)
    assert (first.created, first.unknown_level) == (1, 1)
    stored = RecordedAct.objects.get()
    again = claims_acts.acts_record(acts=acts)
    assert (again.created, again.changed, again.unchanged, again.companies_recomputed) == (
        0,
        0,
        1,
        0,
    )
    assert RecordedAct.objects.get().updated_at == stored.updated_at


@pytest.mark.django_db
def test_a_changed_access_level_updates_the_act_and_the_stance() -> None:
    company = company_make()
    claims_acts.acts_record(acts=[act(company, "A", "Open weights (unrestricted)")])
    result = claims_acts.acts_record(acts=[act(company, "A", "Unreleased")])
    assert (result.created, result.changed) == (0, 1)
    assert RecordedAct.objects.get().stance == Stance.CLOSED
    assert StanceChange.objects.current().get(company=company).new_stance == Stance.CLOSED


@pytest.mark.django_db
def test_the_selector_gives_says_and_does_for_a_lab() -> None:
    company = company_make()
    statement_make(
        company=company, stance="open", kind="official", publish=True, occurred_on=D(2024, 1, 1)
    )
    statement_make(
        company=company, stance="closed", kind="action", publish=True, occurred_on=D(2024, 3, 1)
    )
    claims_acts.acts_record(acts=[act(company, "A", "Unreleased", D(2024, 5, 1))])
    series = selectors.says_and_does(company=company)
    assert [c.new_stance for c in series.says] == [Stance.OPEN]
    assert [c.new_stance for c in series.does] == [Stance.CLOSED]
    assert series.divergences[0].start == D(2024, 3, 1)
