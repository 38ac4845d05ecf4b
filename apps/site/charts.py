"""Geometry for the server-rendered stance charts: the band on a lab page and the home sparkline.

Plain numbers only; the templates turn them into SVG. The stance is a step function: it holds
from one StanceChange to the next, so each change opens a segment that lasts until the next one
(or the end of the axis). Nothing here uses inline styles: CSP allows only our stylesheet, so
colour comes from classes.

Horizontal positions are percentages of the chart's width and vertical ones CSS pixels: the SVG
has no viewBox, so it stretches to the width of the page while its text (year labels) and marks
keep their size. A viewBox would scale a 640-unit drawing down to a phone's 340 pixels and its
12-unit year labels to 6 pixels. The one thing SVG cannot draw in percentages is a path, so the
stance line is drawn as horizontal and vertical lines.

The vertical scale, top to bottom: open, leaning open, mixed, leaning closed, closed (LEVEL_Y);
under it, on the lab page, a lane of statements and a lane of acts (LANE_Y); then the years. The
stylesheet places the axis labels beside the SVG at the same heights (.axis-* in site.css).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.claims.models import (
    RecordedAct,
    Stance,
    StanceChange,
    StatementKind,
    Verification,
)
from apps.claims.stance import ACT_KINDS, STANCE_SCORE, Divergence, Evidence
from apps.lib.dates import DatePrecision, date_display

# Keep in step with the .axis-* rules in static/css/site.css.
LEVEL_Y: dict[str, int] = {
    Stance.OPEN: 14,
    Stance.LEANING_OPEN: 36,
    Stance.MIXED: 58,
    Stance.LEANING_CLOSED: 80,
    Stance.CLOSED: 102,
}
PLOT_HEIGHT = 116
LANE_Y = {"statements": 134, "acts": 156}
YEARS_BELOW = 22  # from the last row drawn to the baseline of the year labels
#: Marks on a lane: at most one place per 1/MARK_BINS of the axis. Up to SIDE_BY_SIDE items in
#: one place are drawn next to each other (MARK_SPACING pixels apart); more become one mark.
MARK_BINS = 60
SIDE_BY_SIDE = 3
MARK_SPACING = 14
#: A year label right of this (percent of the width) is drawn to the left of its tick.
LABEL_FLIP_AT = 88.0


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
class Line:
    x1: float
    x2: float
    y1: float
    y2: float


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    change: StanceChange


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str = "start"


@dataclass(frozen=True)
class ItemMark:
    """A statement or an act on its lane, or several close together (count > 1)."""

    x: float
    y: float
    is_act: bool
    stance: str
    count: int
    title: str
    href: str
    #: Pixels left or right of x, for items drawn side by side in one place.
    dx: int = 0


@dataclass(frozen=True)
class Band:
    height: int
    segments: list[Segment]
    markers: list[Marker]
    lines: list[Line]
    ticks: list[Tick]
    start: datetime.date
    end: datetime.date
    marks: list[ItemMark] = field(default_factory=list)
    #: Pixel width for a fixed-size chart (the sparkline); None stretches to the page.
    width: int | None = None
    plot_height: int = PLOT_HEIGHT
    ticks_y: float = 0.0

    @property
    def has_lanes(self) -> bool:
        return bool(self.marks)

    @property
    def guides(self) -> list[int]:
        """Where the labelled levels are drawn across: open, mixed and closed."""
        return [LEVEL_Y[Stance.OPEN], LEVEL_Y[Stance.MIXED], LEVEL_Y[Stance.CLOSED]]

    @property
    def lanes(self) -> list[int]:
        return list(LANE_Y.values()) if self.marks else []


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


def _x_of(start: datetime.date, end: datetime.date) -> Callable[[datetime.date], float]:
    span = max((end - start).days, 1)

    def x_of(day: datetime.date) -> float:
        return round(min(max((day - start).days / span, 0.0), 1.0) * 100, 3)

    return x_of


def _year_ticks(start: datetime.date, end: datetime.date) -> list[Tick]:
    x_of = _x_of(start, end)
    years = list(range(start.year + 1, end.year + 1))
    step = -(-len(years) // 8) if len(years) > 8 else 1  # at most eight labels
    ticks = []
    for year in years[::step]:
        x = x_of(datetime.date(year, 1, 1))
        ticks.append(Tick(x, str(year), "end" if x > LABEL_FLIP_AT else "start"))
    return ticks


def stance_band(
    changes: Sequence[StanceChange],
    *,
    start: datetime.date,
    end: datetime.date,
    marks: Sequence[ItemMark] = (),
) -> Band:
    """The band: a segment per change, the stance line through LEVEL_Y, a marker per change,
    the marks on their lanes (if any) and the years under it all."""
    ordered = sorted(changes, key=lambda c: (c.date, c.pk or 0))
    x_of = _x_of(start, end)
    segments: list[Segment] = []
    markers: list[Marker] = []
    lines: list[Line] = []
    previous_y: float | None = None
    for index, change in enumerate(ordered):
        seg_end = ordered[index + 1].date if index + 1 < len(ordered) else end
        x0, x1 = x_of(change.date), x_of(seg_end)
        y = LEVEL_Y[change.new_stance]
        segments.append(Segment(x0, round(max(x1 - x0, 0.2), 3), change, seg_end))
        markers.append(Marker(x0, y, change))
        if previous_y is not None and previous_y != y:
            lines.append(Line(x0, x0, previous_y, y))  # the step at the change
        lines.append(Line(x0, x1, y, y))  # flat until the next one
        previous_y = y
    bottom = max(LANE_Y.values()) if marks else PLOT_HEIGHT
    ticks_y = bottom + YEARS_BELOW
    return Band(
        height=int(ticks_y + 6),
        segments=segments,
        markers=markers,
        lines=lines,
        ticks=_year_ticks(start, end),
        start=start,
        end=end,
        marks=list(marks),
        ticks_y=ticks_y,
    )


SPARK_WIDTH = 120
SPARK_PLOT = 26


def sparkline(changes: Sequence[StanceChange], *, start: datetime.date, end: datetime.date) -> Band:
    """A small band of fixed size (home page): the stance line, and the first and last year of
    the axis under it, at the same legible size as the band's."""
    ordered = sorted(changes, key=lambda c: (c.date, c.pk or 0))
    x_of = _x_of(start, end)

    def y_of(stance: str) -> float:
        return round(3 + (2 - STANCE_SCORE[stance]) / 4 * (SPARK_PLOT - 6), 2)

    segments: list[Segment] = []
    markers: list[Marker] = []
    lines: list[Line] = []
    previous_y: float | None = None
    for index, change in enumerate(ordered):
        seg_end = ordered[index + 1].date if index + 1 < len(ordered) else end
        x0, x1 = x_of(change.date), x_of(seg_end)
        y = y_of(change.new_stance)
        segments.append(Segment(x0, round(max(x1 - x0, 0.5), 3), change, seg_end))
        markers.append(Marker(x0, y, change))
        if previous_y is not None and previous_y != y:
            lines.append(Line(x0, x0, previous_y, y))
        lines.append(Line(x0, x1, y, y))
        previous_y = y
    ticks = [Tick(0.0, str(start.year), "start"), Tick(100.0, str(end.year), "end")]
    return Band(
        height=SPARK_PLOT + 16,
        segments=segments,
        markers=markers,
        lines=lines,
        ticks=ticks,
        start=start,
        end=end,
        width=SPARK_WIDTH,
        plot_height=SPARK_PLOT,
        ticks_y=SPARK_PLOT + 13,
    )


def item_marks(
    evidence: Sequence[Evidence],
    acts: Mapping[int, RecordedAct],
    *,
    start: datetime.date,
    end: datetime.date,
    timeline_url: str,
) -> list[ItemMark]:
    """Statements and acts as marks on their two lanes, each with a title and a link.

    One item is a mark that links to it (a statement's page, or the imported act in the lab's
    list, ``acts`` by negative evidence id). Items closer together than one MARK_BINS-th of the
    axis are drawn side by side, up to SIDE_BY_SIDE of them; more share one mark, which says how
    many and links to the lab's timeline filtered to their dates. So a record of ten thousand
    statements draws at most 2 * MARK_BINS * SIDE_BY_SIDE marks.
    """
    x_of = _x_of(start, end)
    span = max((end - start).days, 1)
    bins: dict[tuple[bool, int], list[Evidence]] = {}
    for item in sorted(evidence, key=lambda e: (e.occurred_on, e.id)):
        if not start <= item.occurred_on <= end:
            continue
        position = min(int((item.occurred_on - start).days / span * MARK_BINS), MARK_BINS - 1)
        bins.setdefault((item.kind in ACT_KINDS, position), []).append(item)
    marks = []
    for (is_act, _position), items in sorted(bins.items()):
        y = LANE_Y["acts" if is_act else "statements"]
        if len(items) <= SIDE_BY_SIDE:
            x = x_of(items[len(items) // 2].occurred_on)
            for index, item in enumerate(items):
                marks.append(
                    ItemMark(
                        x=x,
                        y=y,
                        is_act=is_act,
                        stance=item.stance,
                        count=1,
                        title=_item_title(item, acts.get(item.id)),
                        href=_item_href(item, timeline_url),
                        dx=round((index - (len(items) - 1) / 2) * MARK_SPACING),
                    )
                )
            continue
        first, last = items[0].occurred_on, items[-1].occurred_on
        marks.append(
            ItemMark(
                x=x_of(items[len(items) // 2].occurred_on),
                y=y,
                is_act=is_act,
                stance="many",
                count=len(items),
                title=_cluster_title(items, is_act, first, last),
                href=_cluster_href(items, is_act, first, last, timeline_url),
            )
        )
    return marks


def _item_title(item: Evidence, act: RecordedAct | None) -> str:
    when = date_display(item.occurred_on, item.date_precision)
    stance = str(Stance(item.stance).label)
    if act is not None:
        return _("Act recorded by %(origin)s, %(date)s: %(subject)s, %(access)s (%(stance)s)") % {
            "origin": act.origin,
            "date": when,
            "subject": act.subject,
            "access": act.access_level,
            "stance": stance,
        }
    details = {
        "date": when,
        "kind": str(StatementKind(item.kind).label),
        "stance": stance,
        "verification": str(Verification(item.verification).label),
    }
    if item.kind in ACT_KINDS:
        return _("Act, %(date)s: %(kind)s, %(stance)s, %(verification)s") % details
    return _("Statement, %(date)s: %(kind)s, %(stance)s, %(verification)s") % details


def _item_href(item: Evidence, timeline_url: str) -> str:
    if item.id < 0:  # an imported act, listed on the lab page
        return f"{timeline_url}#act-{-item.id}"
    return reverse("statement", kwargs={"pk": item.id})


def _cluster_title(
    items: Sequence[Evidence], is_act: bool, first: datetime.date, last: datetime.date
) -> str:
    count = len(items)
    what = (
        ngettext("%(count)d act", "%(count)d acts", count)
        if is_act
        else ngettext("%(count)d statement", "%(count)d statements", count)
    ) % {"count": count}
    months = date_display(first, DatePrecision.MONTH), date_display(last, DatePrecision.MONTH)
    if months[0] == months[1]:
        return _("%(what)s, %(month)s") % {"what": what, "month": months[0]}
    return _("%(what)s, %(first)s to %(last)s") % {
        "what": what,
        "first": months[0],
        "last": months[1],
    }


def _cluster_href(
    items: Sequence[Evidence],
    is_act: bool,
    first: datetime.date,
    last: datetime.date,
    timeline_url: str,
) -> str:
    statements = [item for item in items if item.id > 0]
    if not statements:  # imported acts only: the lab page lists them all
        return f"{timeline_url}#acts-heading"
    query = {"since": first.isoformat(), "until": last.isoformat()}
    if is_act:
        query = {"kind": StatementKind.ACTION, **query}
    return f"{timeline_url}?{urlencode(query)}#timeline"


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
    divergences: Sequence[Divergence], *, start: datetime.date, end: datetime.date
) -> list[Flag]:
    x_of = _x_of(start, end)
    return [
        Flag(
            x_of(item.start),
            round(max(x_of(item.end or end) - x_of(item.start), 0.3), 3),
            item,
        )
        for item in divergences
    ]
