"""The formula's parts (see the package's docstring): scores, weights, links, pins, one date."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..models import LinkKind, ShiftRating, Stance, StatementKind, Verification

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
#: An act read from an outside dataset: its kind and verification in the two tables above.
IMPORTED_ACT = "imported_act"
IMPORTED = "imported"
KIND_WEIGHT[IMPORTED_ACT] = 1.0
VERIFICATION_WEIGHT[IMPORTED] = 0.4
ACT_KINDS = frozenset({StatementKind.ACTION.value, IMPORTED_ACT})
#: How far apart (in steps of the stance scale) says and does must be to be flagged.
DIVERGENCE_STEPS = 2
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
    #: How precisely occurred_on is known ("day", "month", "year"): for showing the date only;
    #: the formula counts the date as stored.
    date_precision: str = "day"


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


# Weights are scaled by 2 ** ((occurred_on - EPOCH) / HALF_LIFE_DAYS) instead of
# 2 ** (-(on - occurred_on) / HALF_LIFE_DAYS): the two differ by a factor common to every
# statement on a given date, which cancels in the mean, and this one does not depend on the
# date asked about, so the history can be swept once instead of recomputed for every date.
EPOCH = datetime.date(2000, 1, 1)


def item_weight(
    item: Evidence, denials: int, superseded: bool, origin: datetime.date = EPOCH
) -> float:
    """w_i with its age counted from ``origin``: the date asked about gives w_i(D) as the
    docstring writes it; EPOCH gives the same weights times a factor common to every item."""
    if superseded:
        return 0.0
    return (
        KIND_WEIGHT[item.kind]
        * VERIFICATION_WEIGHT[item.verification]
        * age_factor(item.occurred_on, origin)
        * DENIAL_FACTOR**denials
    )


def age_factor(occurred_on: datetime.date, origin: datetime.date) -> float:
    """2 ** (-(origin - occurred_on) / HALF_LIFE_DAYS): 1 on the day, 1/2 a half-life later."""
    return math.pow(2.0, (occurred_on - origin).days / HALF_LIFE_DAYS)


def effective_links(
    evidence: Sequence[Evidence], links: Iterable[Link]
) -> list[tuple[datetime.date, Link]]:
    """Denials and supersessions between known statements, with the date they take effect."""
    dates = {item.id: item.occurred_on for item in evidence}
    return sorted(
        (
            (dates[link.from_id], link)
            for link in links
            if link.from_id in dates
            and link.to_id in dates
            and link.kind in (LinkKind.DENIES, LinkKind.SUPERSEDES)
        ),
        key=lambda pair: (pair[0], pair[1].from_id, pair[1].to_id, pair[1].kind),
    )


def _mean(weights: Sequence[float], scores: Sequence[float]) -> float | None:
    total = math.fsum(weights)
    if total == 0:
        return None
    return math.fsum(w * s for w, s in zip(weights, scores, strict=True)) / total


def stance_score_at(
    evidence: Sequence[Evidence], links: Iterable[Link], on: datetime.date
) -> float | None:
    """S(on) from the module docstring, or None when nothing had been said by then."""
    counted = sorted((item for item in evidence if item.occurred_on <= on), key=evidence_order)
    if not counted:
        return None
    denials, superseded = links_in_effect(evidence, links, on)
    weights = [item_weight(item, denials[item.id], item.id in superseded) for item in counted]
    return _mean(weights, [STANCE_SCORE[item.stance] for item in counted])


def links_in_effect(
    evidence: Sequence[Evidence], links: Iterable[Link], on: datetime.date
) -> tuple[dict[int, int], set[int]]:
    """On date ``on``: how many denials each statement has had, and which are superseded."""
    denials: dict[int, int] = defaultdict(int)
    superseded: set[int] = set()
    for taken_effect, link in effective_links(evidence, links):
        if taken_effect > on:
            break
        if link.kind == LinkKind.DENIES:
            denials[link.to_id] += 1
        else:
            superseded.add(link.to_id)
    return denials, superseded


def evidence_order(item: Evidence) -> tuple[datetime.date, int]:
    return (item.occurred_on, item.id)


def _pin_on(pins: Sequence[Pin], on: datetime.date) -> Pin | None:
    current: Pin | None = None
    for pin in sorted(pins, key=lambda p: (p.effective_from, p.id)):
        if pin.effective_from > on:
            break
        current = pin
    if current is not None and current.effective_until is not None and current.effective_until < on:
        return None
    return current


def stance_point(
    on: datetime.date, score: float | None, pins: Sequence[Pin], ids: tuple[int, ...]
) -> StancePoint | None:
    pin = _pin_on(pins, on)
    if pin is not None:
        return StancePoint(
            date=on,
            stance=pin.stance,
            score=float(STANCE_SCORE[pin.stance]) if score is None else score,
            statement_ids=ids,
            pin_id=pin.id,
        )
    if score is None:
        return None
    return StancePoint(date=on, stance=stance_from_score(score), score=score, statement_ids=ids)


def stance_at(
    evidence: Sequence[Evidence],
    links: Iterable[Link] = (),
    pins: Sequence[Pin] = (),
    *,
    on: datetime.date,
) -> StancePoint | None:
    """The lab's stance on one date, pinned or derived."""
    score = stance_score_at(evidence, list(links), on)
    on_day = tuple(sorted(item.id for item in evidence if item.occurred_on == on))
    return stance_point(on, score, pins, on_day)
