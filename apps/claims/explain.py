"""Why a lab has the stance it has on a date: each item's part in the stance engine's formula.

The engine (stance/) needs only the weighted mean; a reader needs its terms. This module
evaluates the same formula, through the engine's own functions (item_weight, age_factor,
links_in_effect), and keeps every factor: for each published statement and imported act dated
on or before D,

    weight  w_i(D) = kind weight * verification weight * age factor * denial factor
                     (0 once superseded)
    share   w_i / sum(w)                  how much of the total weight it carries
    pull    w_i * s_i / sum(w)            its term of the weighted mean: the pulls add up to S(D)

Weights here are the docstring's w_i(D), age counted back from D, so a statement made on D
weighs its kind times its verification and one made a year before weighs half that. The
engine's internal weights differ from these by a factor common to every item, which cancels in
the mean: the score is the same (the tests check it against stance_score_at).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import stance as engine


@dataclass(frozen=True)
class Contribution:
    """One item's part in the stance on a date."""

    item: engine.Evidence
    kind_weight: float
    verification_weight: float
    age_days: int
    age_factor: float
    denials: int
    superseded: bool
    weight: float
    share: float
    pull: float

    @property
    def score(self) -> int:
        """The item's own position on the scale, +2 (open) to -2 (closed)."""
        return engine.STANCE_SCORE[self.item.stance]

    @property
    def denial_factor(self) -> float:
        return float(engine.DENIAL_FACTOR**self.denials)

    @property
    def is_act(self) -> bool:
        return self.item.kind in engine.ACT_KINDS


@dataclass(frozen=True)
class Explanation:
    """The stance on ``on`` (the engine's, pins included) and the formula's terms, heaviest
    first. ``score`` is the formula's S(D), None when nothing was on record by then."""

    on: datetime.date
    stance: str | None
    score: float | None
    pin: engine.Pin | None
    contributions: list[Contribution]
    #: Items dated ``on``: what a change on this date came from (a denial or supersession
    #: takes effect on the date of the statement that makes it, so that statement is here).
    new_on_the_day: tuple[int, ...]

    @property
    def total_weight(self) -> float:
        return math.fsum(c.weight for c in self.contributions)

    @property
    def formula_stance(self) -> str | None:
        """What the formula says, whether or not an editor's pin overrides it."""
        return None if self.score is None else engine.stance_from_score(self.score)


def stance_contributions(
    evidence: Sequence[engine.Evidence], links: Iterable[engine.Link], on: datetime.date
) -> list[Contribution]:
    """Each item dated on or before ``on`` with its weight, share and pull; heaviest first
    (ties: newest first). Superseded items are listed with weight 0: they are on record but no
    longer count."""
    links = list(links)
    counted = [item for item in evidence if item.occurred_on <= on]
    denials, superseded = engine.links_in_effect(evidence, links, on)
    weights = [
        engine.item_weight(item, denials[item.id], item.id in superseded, origin=on)
        for item in counted
    ]
    total = math.fsum(weights)
    contributions = [
        Contribution(
            item=item,
            kind_weight=engine.KIND_WEIGHT[item.kind],
            verification_weight=engine.VERIFICATION_WEIGHT[item.verification],
            age_days=(on - item.occurred_on).days,
            age_factor=engine.age_factor(item.occurred_on, on),
            denials=denials[item.id],
            superseded=item.id in superseded,
            weight=weight,
            share=weight / total if total else 0.0,
            pull=weight * engine.STANCE_SCORE[item.stance] / total if total else 0.0,
        )
        for item, weight in zip(counted, weights, strict=True)
    ]
    contributions.sort(key=lambda c: (-c.weight, -c.item.occurred_on.toordinal(), -c.item.id))
    return contributions


def stance_explain(
    evidence: Sequence[engine.Evidence],
    links: Iterable[engine.Link] = (),
    pins: Sequence[engine.Pin] = (),
    *,
    on: datetime.date,
) -> Explanation:
    """The stance on ``on`` as the engine gives it, with the terms of its formula."""
    links = list(links)
    point = engine.stance_at(evidence, links, pins, on=on)
    return Explanation(
        on=on,
        stance=None if point is None else point.stance,
        score=engine.stance_score_at(evidence, links, on),
        pin=None if point is None or point.pin_id is None else _pin(pins, point.pin_id),
        contributions=stance_contributions(evidence, links, on),
        new_on_the_day=tuple(sorted(item.id for item in evidence if item.occurred_on == on)),
    )


def _pin(pins: Sequence[engine.Pin], pin_id: int) -> engine.Pin | None:
    return next((pin for pin in pins if pin.id == pin_id), None)
