"""The stance engine: a lab's position at any date, derived from its published statements.

The formula, in full (it is the documented contract; change it only with the tests):

1. Each published statement i about the lab has a score s_i: open +2, leaning open +1,
   mixed 0, leaning closed -1, closed -2.
2. Its weight on date D (only statements with occurred_on <= D count) is

       w_i(D) = KIND_WEIGHT[kind] * VERIFICATION_WEIGHT[verification]
                * 2 ** (-(D - occurred_on_i) / HALF_LIFE_DAYS)
                * DENIAL_FACTOR ** (published denials of i dated <= D)
                * 0 if a published statement dated <= D supersedes i

   so acts weigh more than remarks, confirmed more than reported, and old statements fade.
3. The score on D is the weighted mean  S(D) = sum(w_i * s_i) / sum(w_i),  summed with
   math.fsum so that the order statements arrive in cannot change the result.
4. The stance on D is S(D) rounded to the nearest step: S >= 1.5 open, >= 0.5 leaning open,
   > -0.5 mixed, > -1.5 leaning closed, otherwise closed.
5. An editor's active assessment pins the stance from its effective_from date (until its
   effective_until, or the next assessment), whatever the formula says.

Because the age factor is the same exponential for every statement, it cancels out of the mean
between two statement dates: the stance can only change on a date when a statement was made, a
denial or supersession took effect, or a pin starts or ends. The history is therefore the
formula evaluated on those dates, and nothing needs recomputing as time passes.

This module is pure: it takes plain values and returns plain values. services.py feeds it from
the database and writes StanceChange rows.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .models import LinkKind, ShiftRating, Stance, StatementKind, Verification

STANCE_SCORE: dict[str, int] = {
    Stance.OPEN: 2,
    Stance.LEANING_OPEN: 1,
    Stance.MIXED: 0,
    Stance.LEANING_CLOSED: -1,
    Stance.CLOSED: -2,
}
KIND_WEIGHT: dict[str, float] = {
    StatementKind.ACTION: 1.0,
    StatementKind.OFFICIAL: 0.9,
    StatementKind.EXECUTIVE: 0.8,
    StatementKind.UNNAMED_REPORT: 0.5,
    StatementKind.ANALYSIS: 0.3,
}
VERIFICATION_WEIGHT: dict[str, float] = {
    Verification.CONFIRMED: 1.0,
    Verification.REPORTED: 0.6,
    Verification.DISPUTED: 0.3,
    Verification.DENIED: 0.15,
}
HALF_LIFE_DAYS = 365.0
DENIAL_FACTOR = 0.5


@dataclass(frozen=True)
class Evidence:
    """One published statement, as the engine sees it."""

    id: int
    occurred_on: datetime.date
    stance: str
    kind: str
    verification: str


@dataclass(frozen=True)
class Link:
    from_id: int
    to_id: int
    kind: str


@dataclass(frozen=True)
class Pin:
    id: int
    effective_from: datetime.date
    effective_until: datetime.date | None
    stance: str


@dataclass(frozen=True)
class StancePoint:
    date: datetime.date
    stance: str
    score: float
    statement_ids: tuple[int, ...] = ()
    pin_id: int | None = None


@dataclass(frozen=True)
class ChangePoint:
    date: datetime.date
    old_stance: str
    new_stance: str
    rating: str
    score: float
    statement_ids: tuple[int, ...] = field(default=())
    pin_id: int | None = None


def stance_from_score(score: float) -> str:
    if score >= 1.5:
        return Stance.OPEN
    if score >= 0.5:
        return Stance.LEANING_OPEN
    if score > -0.5:
        return Stance.MIXED
    if score > -1.5:
        return Stance.LEANING_CLOSED
    return Stance.CLOSED


def shift_rating(old_stance: str, new_stance: str) -> str:
    """Flip-o-meter: crossing from the open side to the closed side (or back) is a reversal."""
    if not old_stance or old_stance == new_stance:
        return ShiftRating.NO_SHIFT
    if STANCE_SCORE[old_stance] * STANCE_SCORE[new_stance] < 0:
        return ShiftRating.FULL_REVERSAL
    return ShiftRating.PARTIAL


def _modifiers(
    evidence: Sequence[Evidence], links: Iterable[Link], on: datetime.date
) -> tuple[dict[int, int], set[int]]:
    dates = {item.id: item.occurred_on for item in evidence}
    denials: dict[int, int] = defaultdict(int)
    superseded: set[int] = set()
    for link in links:
        link_date = dates.get(link.from_id)
        if link_date is None or link.to_id not in dates or link_date > on:
            continue
        if link.kind == LinkKind.DENIES:
            denials[link.to_id] += 1
        elif link.kind == LinkKind.SUPERSEDES:
            superseded.add(link.to_id)
    return denials, superseded


def stance_score_at(
    evidence: Sequence[Evidence], links: Iterable[Link], on: datetime.date
) -> float | None:
    """S(on) from the module docstring, or None when nothing had been said by then."""
    counted = [item for item in evidence if item.occurred_on <= on]
    if not counted:
        return None
    denials, superseded = _modifiers(evidence, list(links), on)
    weights: list[float] = []
    for item in counted:
        if item.id in superseded:
            weights.append(0.0)
            continue
        age_days = (on - item.occurred_on).days
        weights.append(
            KIND_WEIGHT[item.kind]
            * VERIFICATION_WEIGHT[item.verification]
            * math.pow(2.0, -age_days / HALF_LIFE_DAYS)
            * DENIAL_FACTOR ** denials.get(item.id, 0)
        )
    total = math.fsum(weights)
    if total == 0:
        return None
    weighted = math.fsum(
        w * STANCE_SCORE[item.stance] for w, item in zip(weights, counted, strict=True)
    )
    return weighted / total


def _pin_on(pins: Sequence[Pin], on: datetime.date) -> Pin | None:
    current: Pin | None = None
    for pin in sorted(pins, key=lambda p: (p.effective_from, p.id)):
        if pin.effective_from > on:
            break
        current = pin
    if current is not None and current.effective_until is not None and current.effective_until < on:
        return None
    return current


def stance_at(
    evidence: Sequence[Evidence],
    links: Iterable[Link] = (),
    pins: Sequence[Pin] = (),
    *,
    on: datetime.date,
) -> StancePoint | None:
    """The lab's stance on one date, pinned or derived."""
    links = list(links)
    score = stance_score_at(evidence, links, on)
    pin = _pin_on(pins, on)
    on_day = tuple(sorted(item.id for item in evidence if item.occurred_on == on))
    if pin is not None:
        return StancePoint(
            date=on,
            stance=pin.stance,
            score=float(STANCE_SCORE[pin.stance]) if score is None else score,
            statement_ids=on_day,
            pin_id=pin.id,
        )
    if score is None:
        return None
    return StancePoint(date=on, stance=stance_from_score(score), score=score, statement_ids=on_day)


def stance_history(
    evidence: Sequence[Evidence], links: Iterable[Link] = (), pins: Sequence[Pin] = ()
) -> list[StancePoint]:
    """The stance on every date where it can change, oldest first."""
    links = list(links)
    dates: set[datetime.date] = {item.occurred_on for item in evidence}
    for pin in pins:
        dates.add(pin.effective_from)
        if pin.effective_until is not None:
            dates.add(pin.effective_until + datetime.timedelta(days=1))
    points = []
    for on in sorted(dates):
        point = stance_at(evidence, links, pins, on=on)
        if point is not None:
            points.append(point)
    return points


def stance_changes(
    evidence: Sequence[Evidence], links: Iterable[Link] = (), pins: Sequence[Pin] = ()
) -> list[ChangePoint]:
    """The first stance and every date on which it moved, with the flip-o-meter rating."""
    changes: list[ChangePoint] = []
    previous = ""
    for point in stance_history(evidence, links, pins):
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
