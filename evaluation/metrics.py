"""The scores of an evaluation run: pure functions of the labels and what the pipeline made.

What counts as "linked" (the pipeline's side of the lab and model scores):

* an article is linked to a company when one of its mentions names the company, or names a
  model the company develops, or one of its suggestions is for the company;
* it is linked to a model when one of its mentions names the model or one of its suggestions
  concerns it.

These are the links an editor sees on the article (its mentions, apps/ingest/models.py) and on
its suggestions. The labels say the same of the article as a reader sees it (labels.toml).
Lab and model scores are micro-averaged: every (page, lab) pair counts once, on every page.

A stored date is right when its moment falls on the labelled day in some time zone (UTC-12 to
UTC+14): the labels give a page's day as it prints it, in its own zone, which the stored moment
does not keep (a Tokyo page at 08:00 on the 22nd is the 21st in UTC). A date taken from a year
in the text (1 January) or a promotion's deadline is still wrong.

A suggestion counts for a statement page when it is for the page's main lab; the stance
compared is that of the lab's top suggestion (highest score, then the earliest sentence).
Syndicated copies are merged when their URLs lead to one stored article.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evaluation.labels import PageLabel

SIDES = {
    "open": "open",
    "leaning_open": "open",
    "mixed": "mixed",
    "leaning_closed": "closed",
    "closed": "closed",
}


@dataclass(frozen=True)
class SuggestionSeen:
    lab: str
    stance: str
    score: float
    start: int


@dataclass(frozen=True)
class PageOutcome:
    """What the pipeline made of one page; ``article_id`` is None when nothing was stored."""

    file: str
    article_id: int | None
    language: str = ""
    published_at: datetime.datetime | None = None
    labs: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()
    suggestions: tuple[SuggestionSeen, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class Ratio:
    hits: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass(frozen=True)
class Scores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else None

    @property
    def recall(self) -> float | None:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)


def set_scores(pairs: Iterable[tuple[frozenset[str], frozenset[str]]]) -> Scores:
    """Micro-averaged scores over (expected, found) sets, one pair per page."""
    tp = fp = fn = 0
    for expected, found in pairs:
        tp += len(expected & found)
        fp += len(found - expected)
        fn += len(expected - found)
    return Scores(tp, fp, fn)


def _paired(
    labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]
) -> list[tuple[PageLabel, PageOutcome]]:
    by_file = {outcome.file: outcome for outcome in outcomes}
    return [(label, by_file.get(label.file) or PageOutcome(label.file, None)) for label in labels]


def lab_scores(labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]) -> Scores:
    return set_scores((label.labs, outcome.labs) for label, outcome in _paired(labels, outcomes))


def model_scores(labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]) -> Scores:
    return set_scores(
        (label.models, outcome.models) for label, outcome in _paired(labels, outcomes)
    )


def date_matches(moment: datetime.datetime, day: datetime.date) -> bool:
    """Whether ``moment`` is on ``day`` in some time zone from UTC-12 to UTC+14."""
    midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    return (
        midnight - datetime.timedelta(hours=14)
        <= moment
        < midnight + datetime.timedelta(days=1, hours=12)
    )


def wrong_dates(labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]) -> Ratio:
    """Pages given a date that is not theirs (including a date where they print none)."""
    wrong = sum(
        outcome.published_at is not None
        and (label.date is None or not date_matches(outcome.published_at, label.date))
        for label, outcome in _paired(labels, outcomes)
    )
    return Ratio(wrong, len(labels))


def missing_dates(labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]) -> Ratio:
    """Pages that print a date of their own and were stored without one."""
    missing = sum(
        label.date is not None and outcome.published_at is None
        for label, outcome in _paired(labels, outcomes)
    )
    return Ratio(missing, len(labels))


def wrong_languages(labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]) -> Ratio:
    wrong = sum(outcome.language != label.language for label, outcome in _paired(labels, outcomes))
    return Ratio(wrong, len(labels))


def suggestion_recall(labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]) -> Ratio:
    """Of the pages that report a statement, those with a suggestion for their main lab."""
    pages = [(label, o) for label, o in _paired(labels, outcomes) if label.statement]
    hits = sum(any(s.lab == label.main_lab for s in o.suggestions) for label, o in pages)
    return Ratio(hits, len(pages))


def false_suggestions(labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]) -> Ratio:
    """Of the pages that report no statement, those that got any suggestion at all."""
    pages = [(label, o) for label, o in _paired(labels, outcomes) if not label.statement]
    return Ratio(sum(bool(outcome.suggestions) for _label, outcome in pages), len(pages))


def top_suggestion(outcome: PageOutcome, lab: str) -> SuggestionSeen | None:
    """The lab's suggestion an editor sees first: the highest score, then the earliest."""
    candidates = [s for s in outcome.suggestions if s.lab == lab]
    return min(candidates, key=lambda s: (-s.score, s.start), default=None)


@dataclass(frozen=True)
class StanceAgreement:
    exact: Ratio
    same_side: Ratio
    #: Of the pages with a labelled stance, those whose main lab got a suggestion at all.
    covered: Ratio


def stance_agreement(
    labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]
) -> StanceAgreement:
    """Agreement of the main lab's top suggestion with the labelled stance, exact and on the
    same side (open and leaning open; closed and leaning closed; mixed alone), over the pages
    where there is such a suggestion."""
    labelled = [(lab, o) for lab, o in _paired(labels, outcomes) if lab.stance and lab.main_lab]
    compared = [
        (label.stance, top.stance)
        for label, outcome in labelled
        if (top := top_suggestion(outcome, label.main_lab or "")) is not None
    ]
    exact = sum(expected == found for expected, found in compared)
    same = sum(SIDES.get(expected or "") == SIDES.get(found) for expected, found in compared)
    return StanceAgreement(
        Ratio(exact, len(compared)), Ratio(same, len(compared)), Ratio(len(compared), len(labelled))
    )


@dataclass(frozen=True)
class Syndication:
    #: Pairs of syndicated copies of one story stored as one article.
    merged: Ratio
    #: Pairs of pages of different stories stored as one article.
    wrongly_merged: int
    #: Pairs of a syndicated story and a related but different one (a subset of the above's
    #: candidates), and how many of them were merged.
    related: Ratio


def syndication(labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]) -> Syndication:
    paired = _paired(labels, outcomes)
    merged = same_group = wrongly = related = related_merged = 0
    for (a, oa), (b, ob) in itertools.combinations(paired, 2):
        together = oa.article_id is not None and oa.article_id == ob.article_id
        if a.group is not None and a.group == b.group:
            same_group += 1
            merged += together
            continue
        wrongly += together
        if (a.group and b.related_to == a.group) or (b.group and a.related_to == b.group):
            related += 1
            related_merged += together
    return Syndication(Ratio(merged, same_group), wrongly, Ratio(related_merged, related))


@dataclass(frozen=True)
class Row:
    metric: str
    value: str
    target: str
    #: Whether the target is met; None where there is no target.
    met: bool | None


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _share(ratio: Ratio) -> str:
    if ratio.value is None:
        return "n/a"
    return f"{ratio.hits}/{ratio.total} ({100 * ratio.value:.0f}%)"


def _at_least(value: float | None, floor: float) -> bool | None:
    return None if value is None else value >= floor


def _at_most(value: float | None, ceiling: float) -> bool | None:
    return None if value is None else value <= ceiling


def evaluation_rows(labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]) -> list[Row]:
    """Every figure of the evaluation beside its target (issue 13's "Targets on such a set")."""
    rows: list[Row] = []
    for name, scores in (
        ("lab links", lab_scores(labels, outcomes)),
        ("model links", model_scores(labels, outcomes)),
    ):
        counts = (
            f" (TP {scores.true_positives}, FP {scores.false_positives}, "
            f"FN {scores.false_negatives})"
        )
        rows.append(Row(f"{name}: precision", _number(scores.precision), "", None))
        rows.append(Row(f"{name}: recall", _number(scores.recall), "", None))
        rows.append(
            Row(
                f"{name}: F1",
                _number(scores.f1) + counts,
                ">= 0.95",
                _at_least(scores.f1, 0.95),
            )
        )
    wrong = wrong_dates(labels, outcomes)
    missing = missing_dates(labels, outcomes)
    wrong_met = _at_most(wrong.value, 0.02)
    rows.append(Row("wrong dates (% of pages)", _share(wrong), "<= 2%", wrong_met))
    rows.append(Row("missing dates (% of pages)", _share(missing), "", None))
    language = wrong_languages(labels, outcomes)
    rows.append(Row("wrong languages (% of pages)", _share(language), "0", language.hits == 0))
    recall = suggestion_recall(labels, outcomes)
    rows.append(
        Row(
            "suggestion recall (pages with a statement)",
            _share(recall),
            ">= 0.9",
            _at_least(recall.value, 0.9),
        )
    )
    false = false_suggestions(labels, outcomes)
    rows.append(
        Row(
            "false suggestions (% of pages without a statement)",
            _share(false),
            "<= 5%",
            _at_most(false.value, 0.05),
        )
    )
    stance = stance_agreement(labels, outcomes)
    rows.append(
        Row(
            "stance, same side (main lab's top suggestion)",
            _share(stance.same_side),
            ">= 0.85",
            _at_least(stance.same_side.value, 0.85),
        )
    )
    rows.append(
        Row(
            "stance, exact step (main lab's top suggestion)",
            _share(stance.exact),
            ">= 0.6",
            _at_least(stance.exact.value, 0.6),
        )
    )
    rows.append(
        Row("stance pages with a suggestion for the main lab", _share(stance.covered), "", None)
    )
    synd = syndication(labels, outcomes)
    rows.append(
        Row(
            "syndicated pairs merged",
            _share(synd.merged),
            "all",
            synd.merged.total > 0 and synd.merged.hits == synd.merged.total,
        )
    )
    rows.append(
        Row(
            "different stories wrongly merged (pairs)",
            f"{synd.wrongly_merged} (related pairs merged: {_share(synd.related)})",
            "0",
            synd.wrongly_merged == 0,
        )
    )
    failed = sum(outcome.article_id is None for _label, outcome in _paired(labels, outcomes))
    rows.append(Row("pages not stored (fetch or extraction failed)", str(failed), "0", failed == 0))
    return rows


def markdown_table(rows: Sequence[Row]) -> str:
    mark = {True: "met", False: "missed", None: ""}
    lines = ["| metric | value | target | |", "|---|---|---|---|"]
    lines += [f"| {r.metric} | {r.value} | {r.target} | {mark[r.met]} |" for r in rows]
    return "\n".join(lines)


def page_differences(labels: Sequence[PageLabel], outcomes: Sequence[PageOutcome]) -> list[str]:
    """One line per page that differs from its label, saying how (``--details``)."""
    lines = []
    for label, outcome in _paired(labels, outcomes):
        found: list[str] = []
        if outcome.article_id is None:
            found.append(f"not stored: {outcome.error}")
        if label.labs != outcome.labs:
            found.append(
                f"labs +{sorted(outcome.labs - label.labs)} -{sorted(label.labs - outcome.labs)}"
            )
        if label.models != outcome.models:
            found.append(
                f"models +{sorted(outcome.models - label.models)} "
                f"-{sorted(label.models - outcome.models)}"
            )
        moment = outcome.published_at
        if (moment is None) != (label.date is None) or (
            moment is not None and label.date is not None and not date_matches(moment, label.date)
        ):
            shown = moment.isoformat() if moment else None
            found.append(f"date {shown} (label {label.date})")
        if label.language != outcome.language:
            found.append(f"language {outcome.language!r}")
        labs = sorted({s.lab for s in outcome.suggestions})
        if label.statement and label.main_lab not in labs:
            found.append(f"no suggestion for {label.main_lab} (suggested: {labs})")
        if not label.statement and labs:
            found.append(f"suggestions without a statement: {labs}")
        top = top_suggestion(outcome, label.main_lab) if label.main_lab else None
        if top is not None and top.stance != label.stance:
            found.append(f"stance {top.stance} (label {label.stance})")
        if found:
            lines.append(f"{label.file}: " + "; ".join(found))
    return lines
