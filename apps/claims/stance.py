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

Acts. A published statement of kind "action" is an act an editor checked. An act recorded by an
outside dataset (claims.RecordedAct: a release and its access level) enters the same formula as
evidence of kind IMPORTED_ACT with verification IMPORTED, so its weight is
KIND_WEIGHT[IMPORTED_ACT] * VERIFICATION_WEIGHT[IMPORTED] = 1.0 * 0.4 = 0.4 against 1.0 for a
confirmed action and 0.6 for a reported one: it is an act, which counts more than words, but
no editor has read it, the dataset compiles others' reports, and its access level is one coarse
category, so it weighs less than any act an editor stands behind. Its score comes from its access
level by ACCESS_LEVEL_STANCE:

    open weights, unrestricted                          open            +2
    open weights (or open access) restricted in any way leaning open    +1
      (restricted use, non-commercial, gated)
    API access, hosted access                           leaning closed  -1
    unreleased                                          closed          -2

Open weights under a restrictive licence are still weights anyone can run, so they stay on the
open side; API access lets people use a model but not inspect or change it, so it is on the
closed side without being the same as keeping the model to oneself. A level the table does not
know yields no act. An imported act carries a negative id (-pk) so it can never be mistaken for a
statement.

Says and does. Besides the combined stance (the one StanceChange rows, pins and alerts use), the
lab has two series by the same formula, without pins: "says", from every statement that is not
an act, and "does", from acts (action statements and imported acts). They diverge on a date when
their stances are two steps or more apart (say "open" and "leaning closed").

Because the age factor is the same exponential for every statement, it cancels out of the mean
between two statement dates: the stance can only change on a date when a statement was made, a
denial or supersession took effect, or a pin starts or ends. The history is therefore the
formula evaluated on those dates, and nothing needs recomputing as time passes.

This module is pure: it takes plain values and returns plain values. services.py feeds it from
the database and writes StanceChange rows; explain.py lays out each item's part in the formula
on a date (the reader's "why this stance").
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


def _effective_links(
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
    counted = sorted((item for item in evidence if item.occurred_on <= on), key=_order)
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
    for taken_effect, link in _effective_links(evidence, links):
        if taken_effect > on:
            break
        if link.kind == LinkKind.DENIES:
            denials[link.to_id] += 1
        else:
            superseded.add(link.to_id)
    return denials, superseded


def _order(item: Evidence) -> tuple[datetime.date, int]:
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
    return _point(on, score, pins, on_day)


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
    ordered = sorted(evidence, key=_order)
    by_id = {item.id: item for item in ordered}
    effective = _effective_links(ordered, links)
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
        days.append(StanceDay(on, totals, _point(on, totals.score, pins, tuple(sorted(on_day)))))
    return days


def _take_effect(link: Link, denials: dict[int, int], superseded: set[int]) -> None:
    if link.kind == LinkKind.DENIES:
        denials[link.to_id] += 1
    else:
        superseded.add(link.to_id)


def _point(
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


def stance_for_access(level: str) -> str | None:
    """The stance an access level implies (ACCESS_LEVEL_STANCE in the docstring), or None."""
    words = " ".join(level.casefold().replace("-", " ").split())
    if not words:
        return None
    if words.startswith(("open weights", "open access")):
        return Stance.OPEN if "unrestricted" in words else Stance.LEANING_OPEN
    if words.startswith(("api", "hosted")):
        return Stance.LEANING_CLOSED
    if words in ("unreleased", "not released"):
        return Stance.CLOSED
    return None


@dataclass(frozen=True)
class Divergence:
    """A stretch (end None: still) where says and does stand DIVERGENCE_STEPS or more apart."""

    start: datetime.date
    end: datetime.date | None
    says: str
    does: str


def says_and_does(
    evidence: Sequence[Evidence], links: Iterable[Link] = ()
) -> tuple[list[ChangePoint], list[ChangePoint]]:
    """The "says" and "does" series: the formula over words alone and over acts alone."""
    links = list(links)
    says = [item for item in evidence if item.kind not in ACT_KINDS]
    does = [item for item in evidence if item.kind in ACT_KINDS]
    return stance_changes(says, links), stance_changes(does, links)


def divergences(says: Sequence[ChangePoint], does: Sequence[ChangePoint]) -> list[Divergence]:
    """Where the two series stand two steps or more apart, as stretches of dates."""
    dates = sorted({c.date for c in says} | {c.date for c in does})
    found: list[Divergence] = []
    open_since: tuple[datetime.date, str, str] | None = None
    said = done = ""
    by_date_says = {c.date: c.new_stance for c in says}
    by_date_does = {c.date: c.new_stance for c in does}
    for on in dates:
        said = by_date_says.get(on, said)
        done = by_date_does.get(on, done)
        apart = bool(said and done) and (
            abs(STANCE_SCORE[said] - STANCE_SCORE[done]) >= DIVERGENCE_STEPS
        )
        if open_since is not None and (not apart or (said, done) != open_since[1:]):
            found.append(Divergence(open_since[0], on, open_since[1], open_since[2]))
            open_since = None
        if apart and open_since is None:
            open_since = (on, said, done)
    if open_since is not None:
        found.append(Divergence(open_since[0], None, open_since[1], open_since[2]))
    return found
