"""Geometry for the server-rendered stance charts: the band on a lab page and the home sparkline.

Plain numbers only; the templates turn them into SVG. The stance is a step function: it holds
from one StanceChange to the next, so each change opens a segment that lasts until the next one
(or the end of the axis). Nothing here uses inline styles: CSP allows only our stylesheet, so
colour comes from classes.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from apps.claims.models import Stance, StanceChange
from apps.claims.stance import STANCE_SCORE, Divergence


@dataclass(frozen=True)
class Segment:
    """The stretch from one change to the next; the change gives its stance and its label."""

    x: float
    width: float
    change: StanceChange
    end: datetime.date

    @property
    def stance(self) -> str:
        return self.change.new_stance

    @property
    def start(self) -> datetime.date:
        return self.change.date


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    change: StanceChange


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Band:
    width: int
    height: int
    segments: list[Segment]
    markers: list[Marker]
    path: str
    ticks: list[Tick]
    start: datetime.date
    end: datetime.date


def axis_for(
    changes: Sequence[StanceChange], today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """From a little before the first change to today, so the current stance shows its length."""
    if not changes:
        return today - datetime.timedelta(days=365), today
    start = min(c.date for c in changes)
    end = max(today, max(c.date for c in changes))
    padding = max(datetime.timedelta(days=14), (end - start) / 40)
    return start - padding, end + datetime.timedelta(days=1)


def _level_y(stance: str, top: float, height: float) -> float:
    # +2 (open) at the top, -2 (closed) at the bottom.
    return top + (2 - STANCE_SCORE[stance]) / 4 * height


def stance_band(
    changes: Sequence[StanceChange],
    *,
    start: datetime.date,
    end: datetime.date,
    width: int = 640,
    height: int = 120,
    ticks: bool = True,
) -> Band:
    ordered = sorted(changes, key=lambda c: (c.date, c.pk or 0))
    span = max((end - start).days, 1)
    top = 6.0
    # Room for the year labels under the band; a sparkline has none.
    usable = height - top - (22.0 if ticks else top)

    def x_of(day: datetime.date) -> float:
        return round((day - start).days / span * width, 2)

    segments: list[Segment] = []
    markers: list[Marker] = []
    points: list[str] = []
    previous_y: float | None = None
    for index, change in enumerate(ordered):
        seg_end = ordered[index + 1].date if index + 1 < len(ordered) else end
        x0, x1 = x_of(change.date), x_of(seg_end)
        y = round(_level_y(change.new_stance, top, usable), 2)
        segments.append(Segment(x0, round(max(x1 - x0, 1.0), 2), change, seg_end))
        markers.append(Marker(x0, y, change))
        # A vertical step at the change, then flat until the next one.
        points.append(f"M{x0},{y}" if previous_y is None else f"L{x0},{y}")
        points.append(f"L{x1},{y}")
        previous_y = y
    tick_list: list[Tick] = []
    if ticks:
        years = range(start.year + 1, end.year + 1)
        step = max(1, len(years) // 8 + (1 if len(years) % 8 else 0)) if len(years) > 8 else 1
        for year in list(years)[::step]:
            tick_list.append(Tick(x_of(datetime.date(year, 1, 1)), str(year)))
    return Band(
        width=width,
        height=height,
        segments=segments,
        markers=markers,
        path=" ".join(points),
        ticks=tick_list,
        start=start,
        end=end,
    )


def sparkline(changes: Sequence[StanceChange], *, start: datetime.date, end: datetime.date) -> Band:
    return stance_band(changes, start=start, end=end, width=120, height=28, ticks=False)


@dataclass(frozen=True)
class Flag:
    """A stretch of the axis where what a lab says and what it does diverge (stance.Divergence)."""

    x: float
    width: float
    divergence: Divergence

    @property
    def says_label(self) -> str:
        return str(Stance(self.divergence.says).label)

    @property
    def does_label(self) -> str:
        return str(Stance(self.divergence.does).label)


def divergence_flags(
    divergences: Sequence[Divergence], *, start: datetime.date, end: datetime.date, width: int = 640
) -> list[Flag]:
    span = max((end - start).days, 1)

    def x_of(day: datetime.date) -> float:
        return round((day - start).days / span * width, 2)

    return [
        Flag(
            x_of(item.start),
            round(max(x_of(item.end or end) - x_of(item.start), 2.0), 2),
            item,
        )
        for item in divergences
    ]
