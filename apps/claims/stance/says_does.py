"""Says and does: the formula over words alone and over acts alone, and where they diverge."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..models import Stance
from .formula import ACT_KINDS, DIVERGENCE_STEPS, STANCE_SCORE, ChangePoint, Evidence, Link
from .sweep import stance_changes


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
