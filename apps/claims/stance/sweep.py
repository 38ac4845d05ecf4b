"""The history in one sweep over the dates, with exact sums that can be stored and resumed."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..models import LinkKind
from .formula import (
    STANCE_SCORE,
    ChangePoint,
    Evidence,
    Link,
    Pin,
    StancePoint,
    effective_links,
    evidence_order,
    item_weight,
    shift_rating,
    stance_point,
)

#: Sums of weights are kept exact, as whole numbers of 2 ** -EXACT_BITS (the smallest double):
#: every double is a whole number of them, so their sums are exact whatever the order, and one
#: rounding of a sum to a double gives what math.fsum gives (the correctly rounded sum). Exact
#: sums can be carried from one date to the next and stored, so a history can be resumed from
#: any date (stance_days) and still equal, bit for bit, the formula evaluated afresh.
EXACT_BITS = 1074


def exact(value: float) -> int:
    """``value`` as a whole number of 2 ** -EXACT_BITS, exactly."""
    numerator, denominator = value.as_integer_ratio()
    return numerator << (EXACT_BITS + 1 - denominator.bit_length())


@dataclass(frozen=True)
class Totals:
    """The formula's two sums on a date, exact: sum(w_i) and sum(w_i * s_i) (EPOCH weights)."""

    weight: int = 0
    weighted_score: int = 0

    @property
    def score(self) -> float | None:
        """S(D): each sum rounded once, as fsum rounds it, then divided, as _mean divides."""
        if self.weight == 0:
            return None
        unit = 1 << EXACT_BITS
        return (self.weighted_score / unit) / (self.weight / unit)


@dataclass(frozen=True)
class StanceDay:
    """A date the stance can change on: the sums that date, and the stance (None: no stance)."""

    date: datetime.date
    totals: Totals
    point: StancePoint | None


def stance_days(
    evidence: Sequence[Evidence],
    links: Iterable[Link] = (),
    pins: Sequence[Pin] = (),
    *,
    since: datetime.date | None = None,
    carried: Totals = Totals(),
) -> list[StanceDay]:
    """Every date the stance can change on (from ``since`` on, when given), oldest first.

    One sweep over the dates: each statement's weight is computed once and changed only when a
    denial or supersession of it takes effect, so a long record costs one pass, not one pass
    per date. Every score equals stance_score_at's for the same date (exact sums, see EXACT_BITS).

    Resuming from ``since``: ``carried`` holds the sums of the last date before it, so the items
    dated before ``since`` are counted already; they are given only when a link must change
    their weight. Give every item dated ``since`` or later, every link that takes effect from
    ``since`` on or reaches an item dated from ``since`` on, every link to the items those reach,
    and the items at both ends of each of these links. The days from ``since`` on are then
    those of the whole sweep.
    """
    start = since or datetime.date.min
    ordered = sorted(evidence, key=evidence_order)
    by_id = {item.id: item for item in ordered}
    effective = effective_links(ordered, links)
    denials: dict[int, int] = defaultdict(int)
    superseded: set[int] = set()
    next_link = 0
    while next_link < len(effective) and effective[next_link][0] < start:
        _take_effect(effective[next_link][1], denials, superseded)
        next_link += 1
    weights = {
        item.id: exact(item_weight(item, denials[item.id], item.id in superseded))
        for item in ordered
        if item.occurred_on < start
    }
    later = [item for item in ordered if item.occurred_on >= start]
    dates: set[datetime.date] = {item.occurred_on for item in later}
    for assessment in pins:
        dates.add(assessment.effective_from)
        if assessment.effective_until is not None:
            dates.add(assessment.effective_until + datetime.timedelta(days=1))
    weight, weighted = carried.weight, carried.weighted_score
    next_item = 0
    days: list[StanceDay] = []
    for on in sorted(d for d in dates if d >= start):
        on_day: list[int] = []
        while next_item < len(later) and later[next_item].occurred_on <= on:
            item = later[next_item]
            weights[item.id] = exact(item_weight(item, denials[item.id], item.id in superseded))
            weight += weights[item.id]
            weighted += STANCE_SCORE[item.stance] * weights[item.id]
            on_day.append(item.id)
            next_item += 1
        while next_link < len(effective) and effective[next_link][0] <= on:
            link = effective[next_link][1]
            _take_effect(link, denials, superseded)
            if link.to_id in weights:
                target = by_id[link.to_id]
                now = exact(item_weight(target, denials[target.id], target.id in superseded))
                weight += now - weights[target.id]
                weighted += STANCE_SCORE[target.stance] * (now - weights[target.id])
                weights[target.id] = now
            next_link += 1
        totals = Totals(weight, weighted)
        days.append(
            StanceDay(on, totals, stance_point(on, totals.score, pins, tuple(sorted(on_day))))
        )
    return days


def _take_effect(link: Link, denials: dict[int, int], superseded: set[int]) -> None:
    if link.kind == LinkKind.DENIES:
        denials[link.to_id] += 1
    else:
        superseded.add(link.to_id)


def stance_history(
    evidence: Sequence[Evidence], links: Iterable[Link] = (), pins: Sequence[Pin] = ()
) -> list[StancePoint]:
    """The stance on every date where it can change, oldest first."""
    return [day.point for day in stance_days(evidence, links, pins) if day.point is not None]


def stance_changes(
    evidence: Sequence[Evidence], links: Iterable[Link] = (), pins: Sequence[Pin] = ()
) -> list[ChangePoint]:
    """The first stance and every date on which it moved, with the flip-o-meter rating."""
    return changes_from(stance_history(evidence, links, pins))


def changes_from(points: Iterable[StancePoint], previous: str = "") -> list[ChangePoint]:
    """The moves along ``points``; ``previous``: the stance before the first of them."""
    changes: list[ChangePoint] = []
    for point in points:
        if point.stance == previous:
            continue
        changes.append(
            ChangePoint(
                date=point.date,
                old_stance=previous,
                new_stance=point.stance,
                rating=shift_rating(previous, point.stance),
                score=point.score,
                statement_ids=point.statement_ids,
                pin_id=point.pin_id,
            )
        )
        previous = point.stance
    return changes
