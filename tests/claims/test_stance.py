"""The stance engine as a pure function: the formula, its documented rules and its properties."""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.claims import stance as engine
from apps.claims.models import LinkKind, ShiftRating, Stance, StatementKind, Verification
from tests.support.tiers import examples

D = datetime.date
STANCES = list(engine.STANCE_SCORE)


def evidence(
    id: int,
    on: datetime.date,
    stance: str,
    kind: str = StatementKind.OFFICIAL,
    verification: str = Verification.CONFIRMED,
) -> engine.Evidence:
    return engine.Evidence(
        id=id, occurred_on=on, stance=stance, kind=kind, verification=verification
    )


evidence_strategy = st.builds(
    engine.Evidence,
    id=st.integers(min_value=1, max_value=10**6),
    occurred_on=st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31)),
    stance=st.sampled_from(STANCES),
    kind=st.sampled_from(list(engine.KIND_WEIGHT)),
    verification=st.sampled_from(list(engine.VERIFICATION_WEIGHT)),
)
record_strategy = st.lists(evidence_strategy, min_size=1, max_size=25, unique_by=lambda e: e.id)


def test_it_has_no_stance_before_anything_was_said() -> None:
    record = [evidence(1, D(2025, 7, 14), Stance.OPEN)]
    assert engine.stance_at(record, on=D(2025, 7, 13)) is None
    assert engine.stance_at(record, on=D(2025, 7, 14)).stance == Stance.OPEN  # type: ignore[union-attr]


def test_it_rounds_the_weighted_mean_to_the_nearest_step() -> None:
    assert engine.stance_from_score(2.0) == Stance.OPEN
    assert engine.stance_from_score(1.5) == Stance.OPEN
    assert engine.stance_from_score(1.49) == Stance.LEANING_OPEN
    assert engine.stance_from_score(0.5) == Stance.LEANING_OPEN
    assert engine.stance_from_score(0.49) == Stance.MIXED
    assert engine.stance_from_score(-0.49) == Stance.MIXED
    assert engine.stance_from_score(-0.5) == Stance.LEANING_CLOSED
    assert engine.stance_from_score(-1.5) == Stance.CLOSED


def test_an_act_outweighs_an_anonymous_report_of_the_same_age() -> None:
    day = D(2025, 7, 14)
    record = [
        evidence(1, day, Stance.OPEN, StatementKind.ACTION, Verification.CONFIRMED),
        evidence(2, day, Stance.CLOSED, StatementKind.UNNAMED_REPORT, Verification.REPORTED),
    ]
    # (1.0 * 2 + 0.3 * -2) / 1.3
    assert engine.stance_score_at(record, [], day) == pytest.approx((2.0 - 0.6) / 1.3, rel=1e-12)
    assert engine.stance_at(record, on=day).stance == Stance.LEANING_OPEN  # type: ignore[union-attr]


def test_older_statements_weigh_half_as_much_after_one_half_life() -> None:
    old = evidence(1, D(2024, 1, 1), Stance.OPEN)
    new = evidence(2, D(2024, 12, 31), Stance.CLOSED)  # 365 days later
    score = engine.stance_score_at([old, new], [], D(2024, 12, 31))
    assert score is not None
    assert abs(score - (0.5 * 2 + 1.0 * -2) / 1.5) < 1e-12


def test_an_official_denial_halves_the_weight_of_the_report_it_denies() -> None:
    day = D(2025, 7, 14)
    report = evidence(1, day, Stance.CLOSED, StatementKind.UNNAMED_REPORT, Verification.REPORTED)
    background = evidence(2, D(2025, 7, 1), Stance.OPEN, StatementKind.ACTION)
    reply = evidence(3, D(2025, 7, 15), Stance.MIXED)
    denial = engine.Link(from_id=3, to_id=1, kind=LinkKind.DENIES)
    record = [background, report, reply]
    undenied = engine.stance_score_at(record, [], D(2025, 7, 15))
    denied = engine.stance_score_at(record, [denial], D(2025, 7, 15))
    assert undenied is not None and denied is not None
    assert denied > undenied
    # The denial takes effect on its own date, not before.
    assert engine.stance_score_at(record, [denial], day) == engine.stance_score_at(record, [], day)


def test_a_superseded_statement_stops_counting_from_the_superseding_date() -> None:
    first = evidence(1, D(2025, 1, 1), Stance.CLOSED)
    second = evidence(2, D(2025, 2, 1), Stance.OPEN)
    link = engine.Link(from_id=2, to_id=1, kind=LinkKind.SUPERSEDES)
    assert engine.stance_score_at([first, second], [link], D(2025, 2, 1)) == 2.0
    assert engine.stance_score_at([first, second], [link], D(2025, 1, 15)) == -2.0


def test_an_editors_pin_overrides_the_formula_from_its_date_until_its_end() -> None:
    record = [evidence(1, D(2025, 1, 1), Stance.OPEN)]
    pin = engine.Pin(
        id=9, effective_from=D(2025, 3, 1), effective_until=D(2025, 3, 31), stance=Stance.MIXED
    )
    assert engine.stance_at(record, [], [pin], on=D(2025, 2, 28)).stance == Stance.OPEN  # type: ignore[union-attr]
    pinned = engine.stance_at(record, [], [pin], on=D(2025, 3, 10))
    assert pinned is not None and pinned.stance == Stance.MIXED and pinned.pin_id == 9
    assert engine.stance_at(record, [], [pin], on=D(2025, 4, 1)).stance == Stance.OPEN  # type: ignore[union-attr]
    changes = engine.stance_changes(record, [], [pin])
    assert [(c.date, c.old_stance, c.new_stance) for c in changes] == [
        (D(2025, 1, 1), "", Stance.OPEN),
        (D(2025, 3, 1), Stance.OPEN, Stance.MIXED),
        (D(2025, 4, 1), Stance.MIXED, Stance.OPEN),
    ]


def test_it_rates_a_move_across_the_middle_as_a_full_reversal() -> None:
    assert engine.shift_rating(Stance.OPEN, Stance.LEANING_CLOSED) == ShiftRating.FULL_REVERSAL
    assert engine.shift_rating(Stance.OPEN, Stance.MIXED) == ShiftRating.PARTIAL
    assert engine.shift_rating(Stance.MIXED, Stance.CLOSED) == ShiftRating.PARTIAL
    assert engine.shift_rating("", Stance.CLOSED) == ShiftRating.NO_SHIFT


def test_the_history_records_only_dates_on_which_the_stance_moved() -> None:
    record = [
        evidence(1, D(2024, 7, 23), Stance.OPEN, StatementKind.EXECUTIVE),
        evidence(2, D(2025, 4, 5), Stance.OPEN, StatementKind.ACTION),
        evidence(
            3,
            D(2025, 7, 14),
            Stance.LEANING_CLOSED,
            StatementKind.UNNAMED_REPORT,
            Verification.REPORTED,
        ),
        evidence(4, D(2025, 7, 14), Stance.MIXED, StatementKind.OFFICIAL),
    ]
    changes = engine.stance_changes(record, [engine.Link(4, 3, LinkKind.DENIES)])
    assert [(c.date, c.new_stance, c.rating) for c in changes] == [
        (D(2024, 7, 23), Stance.OPEN, ShiftRating.NO_SHIFT),
        (D(2025, 7, 14), Stance.LEANING_OPEN, ShiftRating.PARTIAL),
    ]
    assert changes[1].statement_ids == (3, 4)


@settings(max_examples=examples(300), deadline=None)
@given(record=record_strategy, extra=evidence_strategy)
def test_a_statement_more_open_than_the_stance_never_makes_it_more_closed(
    record: list[engine.Evidence], extra: engine.Evidence
) -> None:
    on = max(item.occurred_on for item in record)
    before = engine.stance_at(record, on=on)
    assert before is not None
    more_open = [s for s in STANCES if engine.STANCE_SCORE[s] > engine.STANCE_SCORE[before.stance]]
    if not more_open:
        return  # already fully open: nothing can be more open
    added = engine.Evidence(
        id=max(item.id for item in record) + 1,
        occurred_on=min(extra.occurred_on, on),
        stance=more_open[extra.id % len(more_open)],
        kind=extra.kind,
        verification=extra.verification,
    )
    after = engine.stance_at([*record, added], on=on)
    assert after is not None
    assert engine.STANCE_SCORE[after.stance] >= engine.STANCE_SCORE[before.stance]


@settings(max_examples=examples(200), deadline=None)
@given(record=record_strategy, data=st.data())
def test_the_history_does_not_depend_on_the_order_statements_arrive_in(
    record: list[engine.Evidence], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(record))
    ids = [item.id for item in record]
    links = [engine.Link(a, b, LinkKind.DENIES) for a, b in itertools.pairwise(ids)][:3]
    shuffled_links = data.draw(st.permutations(links))
    assert engine.stance_changes(record, links) == engine.stance_changes(shuffled, shuffled_links)


link_kinds = st.sampled_from([LinkKind.DENIES, LinkKind.SUPERSEDES, LinkKind.RESPONDS_TO])


@settings(max_examples=examples(200), deadline=None)
@given(record=record_strategy, data=st.data())
def test_the_swept_history_scores_every_date_as_the_formula_does(
    record: list[engine.Evidence], data: st.DataObject
) -> None:
    ids = [item.id for item in record]
    links = data.draw(
        st.lists(
            st.builds(
                engine.Link,
                from_id=st.sampled_from(ids),
                to_id=st.sampled_from(ids),
                kind=link_kinds,
            ).filter(lambda link: link.from_id != link.to_id),
            max_size=6,
        )
    )
    history = {point.date: point for point in engine.stance_history(record, links)}
    for day in sorted({item.occurred_on for item in record}):
        expected = engine.stance_score_at(record, links, day)
        if expected is None:  # everything said by then was superseded
            assert day not in history
            continue
        assert history[day].score == expected
        assert history[day].stance == engine.stance_from_score(expected)
