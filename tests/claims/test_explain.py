"""Why this stance: each item's part in the formula, checked against the engine's own score."""

from __future__ import annotations

import datetime
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.claims import stance as engine
from apps.claims.explain import stance_contributions, stance_explain
from apps.claims.models import LinkKind, Stance, StatementKind, Verification
from tests.claims.test_stance import evidence, record_strategy
from tests.support.tiers import examples

D = datetime.date


def _meta_story() -> tuple[list[engine.Evidence], list[engine.Link]]:
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
    return record, [engine.Link(4, 3, LinkKind.DENIES)]


def test_each_weight_is_kind_times_verification_times_age_times_denials() -> None:
    record, links = _meta_story()
    by_id = {c.item.id: c for c in stance_contributions(record, links, D(2025, 7, 14))}
    letter, release, report, reply = (by_id[i] for i in (1, 2, 3, 4))
    assert letter.age_days == 356
    assert letter.weight == pytest.approx(0.8 * 1.0 * 2 ** (-356 / 365), rel=1e-12)
    assert release.weight == pytest.approx(1.0 * 2 ** (-100 / 365), rel=1e-12)
    # Reported, from unnamed sources, and denied the same day: 0.5 * 0.6 * 1 * 0.5.
    assert report.denials == 1 and report.weight == pytest.approx(0.15, rel=1e-12)
    assert reply.weight == pytest.approx(0.9, rel=1e-12) and reply.pull == 0
    for c in by_id.values():
        product = c.kind_weight * c.verification_weight * c.age_factor * c.denial_factor
        assert c.weight == pytest.approx(product, rel=1e-12)


def test_they_are_listed_heaviest_first_and_their_pulls_add_up_to_the_score() -> None:
    record, links = _meta_story()
    explanation = stance_explain(record, links, on=D(2025, 7, 14))
    assert [c.item.id for c in explanation.contributions] == [4, 2, 1, 3]
    assert math.fsum(c.share for c in explanation.contributions) == pytest.approx(1.0)
    assert explanation.score == engine.stance_score_at(record, links, D(2025, 7, 14))
    assert math.fsum(c.pull for c in explanation.contributions) == pytest.approx(
        explanation.score, rel=1e-12
    )
    assert explanation.stance == Stance.LEANING_OPEN
    assert explanation.new_on_the_day == (3, 4)


def test_a_superseded_item_is_listed_with_no_weight_and_later_items_are_left_out() -> None:
    first = evidence(1, D(2025, 1, 1), Stance.CLOSED)
    second = evidence(2, D(2025, 2, 1), Stance.OPEN)
    later = evidence(3, D(2025, 3, 1), Stance.CLOSED)
    link = engine.Link(from_id=2, to_id=1, kind=LinkKind.SUPERSEDES)
    contributions = stance_contributions([first, second, later], [link], D(2025, 2, 1))
    assert [(c.item.id, c.superseded, c.weight) for c in contributions] == [
        (2, False, 1.0 * 0.9),
        (1, True, 0.0),
    ]


def test_a_pin_is_named_and_the_formula_still_explained() -> None:
    record, links = _meta_story()
    pin = engine.Pin(id=7, effective_from=D(2025, 7, 1), effective_until=None, stance="closed")
    explanation = stance_explain(record, links, [pin], on=D(2025, 7, 14))
    assert explanation.stance == Stance.CLOSED and explanation.pin == pin
    assert explanation.formula_stance == Stance.LEANING_OPEN


def test_nothing_on_record_yet_explains_nothing() -> None:
    record, links = _meta_story()
    explanation = stance_explain(record, links, on=D(2024, 1, 1))
    assert explanation.stance is None and explanation.score is None
    assert explanation.contributions == []


@pytest.mark.slow
@settings(max_examples=examples(200), deadline=None)
@given(record=record_strategy, data=st.data())
def test_the_contributions_give_the_engines_score_on_any_date(
    record: list[engine.Evidence], data: st.DataObject
) -> None:
    ids = [item.id for item in record]
    links = data.draw(
        st.lists(
            st.builds(
                engine.Link,
                from_id=st.sampled_from(ids),
                to_id=st.sampled_from(ids),
                kind=st.sampled_from([LinkKind.DENIES, LinkKind.SUPERSEDES]),
            ).filter(lambda link: link.from_id != link.to_id),
            max_size=5,
        )
    )
    on = data.draw(st.sampled_from(sorted({item.occurred_on for item in record})))
    on += datetime.timedelta(days=data.draw(st.integers(min_value=0, max_value=2000)))
    expected = engine.stance_score_at(record, links, on)
    contributions = stance_contributions(record, links, on)
    assert len(contributions) == sum(1 for item in record if item.occurred_on <= on)
    if expected is None:
        assert math.fsum(c.weight for c in contributions) == 0
        return
    pulls = math.fsum(c.pull for c in contributions)
    assert pulls == pytest.approx(expected, rel=1e-9, abs=1e-12)
    weights = [c.weight for c in contributions]
    assert weights == sorted(weights, reverse=True)
