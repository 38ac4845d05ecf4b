"""The evaluation's scores, on small hand-made labels and outcomes."""

from __future__ import annotations

import datetime

import pytest

from evaluation.labels import PageLabel
from evaluation.metrics import (
    PageOutcome,
    SuggestionSeen,
    date_matches,
    evaluation_rows,
    false_suggestions,
    lab_scores,
    markdown_table,
    missing_dates,
    model_scores,
    set_scores,
    stance_agreement,
    suggestion_recall,
    syndication,
    top_suggestion,
    wrong_dates,
)

UTC = datetime.UTC


def label(file: str, **fields: object) -> PageLabel:
    values: dict[str, object] = {
        "file": file,
        "language": "en",
        "date": None,
        "labs": frozenset(),
        "models": frozenset(),
        "families": frozenset(),
        "statement": False,
        "main_lab": None,
        "stance": None,
        "group": None,
        "related_to": None,
        "cases": frozenset(),
    }
    values.update(fields)
    return PageLabel(**values)  # type: ignore[arg-type]


def seen(lab: str, stance: str, score: float = 0.5, start: int = 0) -> SuggestionSeen:
    return SuggestionSeen(lab, stance, score, start)


def test_set_scores_count_every_page_pair_once() -> None:
    scores = set_scores(
        [
            (frozenset({"meta", "openai"}), frozenset({"meta", "together"})),
            (frozenset({"xai"}), frozenset({"xai"})),
            (frozenset(), frozenset({"cohere"})),
        ]
    )
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (2, 2, 1)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_scores_without_anything_expected_or_found_are_not_a_number() -> None:
    scores = set_scores([(frozenset(), frozenset())])
    assert scores.precision is None and scores.recall is None and scores.f1 is None


def test_lab_and_model_scores_pair_outcomes_with_labels_by_file() -> None:
    labels = [
        label("a.html", labs=frozenset({"meta"}), models=frozenset({"Llama 4 Scout"})),
        label("b.html", labs=frozenset({"xai"})),
    ]
    outcomes = [
        PageOutcome("b.html", 2, labs=frozenset({"xai"})),
        PageOutcome("a.html", 1, labs=frozenset({"meta"}), models=frozenset({"Llama 4 Maverick"})),
    ]
    assert lab_scores(labels, outcomes).f1 == 1.0
    assert model_scores(labels, outcomes).precision == 0.0


def test_a_page_that_was_not_stored_counts_as_linked_to_nothing() -> None:
    labels = [label("a.html", labs=frozenset({"meta"}))]
    assert lab_scores(labels, []).false_negatives == 1


def test_a_date_in_the_pages_own_zone_is_right_and_an_invented_one_wrong() -> None:
    tokyo_morning = datetime.datetime(2026, 7, 21, 23, 0, tzinfo=UTC)  # 08:00 on the 22nd
    assert date_matches(tokyo_morning, datetime.date(2026, 7, 22))
    assert not date_matches(datetime.datetime(2026, 1, 1, tzinfo=UTC), datetime.date(2026, 9, 8))
    labels = [
        label("dated.html", date=datetime.date(2026, 9, 8)),
        label("undated.html"),
        label("missing.html", date=datetime.date(2026, 3, 12)),
        label("right.html", date=datetime.date(2026, 7, 22)),
    ]
    outcomes = [
        PageOutcome("dated.html", 1, published_at=datetime.datetime(2026, 1, 1, tzinfo=UTC)),
        PageOutcome("undated.html", 2, published_at=datetime.datetime(2024, 3, 1, tzinfo=UTC)),
        PageOutcome("missing.html", 3),
        PageOutcome("right.html", 4, published_at=tokyo_morning),
    ]
    assert (wrong_dates(labels, outcomes).hits, wrong_dates(labels, outcomes).total) == (2, 4)
    assert missing_dates(labels, outcomes).hits == 1


def test_suggestion_recall_needs_a_suggestion_for_the_main_lab() -> None:
    labels = [
        label("a.html", statement=True, main_lab="meta", stance="open"),
        label("b.html", statement=True, main_lab="xai", stance="closed"),
        label("c.html"),
        label("d.html"),
    ]
    outcomes = [
        PageOutcome("a.html", 1, suggestions=(seen("meta", "open"),)),
        PageOutcome("b.html", 2, suggestions=(seen("meta", "closed"),)),
        PageOutcome("c.html", 3, suggestions=(seen("openai", "mixed"),)),
        PageOutcome("d.html", 4),
    ]
    recall = suggestion_recall(labels, outcomes)
    assert (recall.hits, recall.total) == (1, 2)
    false = false_suggestions(labels, outcomes)
    assert (false.hits, false.total, false.value) == (1, 2, 0.5)


def test_the_top_suggestion_is_the_highest_score_then_the_earliest() -> None:
    outcome = PageOutcome(
        "a.html",
        1,
        suggestions=(
            seen("meta", "closed", 0.4, 10),
            seen("meta", "open", 0.7, 50),
            seen("meta", "mixed", 0.7, 20),
            seen("openai", "open", 0.9, 0),
        ),
    )
    top = top_suggestion(outcome, "meta")
    assert top is not None and top.stance == "mixed"
    assert top_suggestion(outcome, "xai") is None


def test_stance_agreement_exact_and_on_the_same_side() -> None:
    labels = [
        label("a.html", statement=True, main_lab="meta", stance="open"),
        label("b.html", statement=True, main_lab="meta", stance="closed"),
        label("c.html", statement=True, main_lab="meta", stance="mixed"),
        label("d.html", statement=True, main_lab="meta", stance="leaning_closed"),
        label("e.html", statement=True, main_lab="xai", stance="open"),
    ]
    outcomes = [
        PageOutcome("a.html", 1, suggestions=(seen("meta", "open"),)),
        PageOutcome("b.html", 2, suggestions=(seen("meta", "leaning_closed"),)),
        PageOutcome("c.html", 3, suggestions=(seen("meta", "leaning_open"),)),
        PageOutcome("d.html", 4, suggestions=(seen("meta", "mixed"),)),
        PageOutcome("e.html", 5),
    ]
    agreement = stance_agreement(labels, outcomes)
    assert (agreement.exact.hits, agreement.exact.total) == (1, 4)
    assert agreement.same_side.hits == 2
    assert (agreement.covered.hits, agreement.covered.total) == (4, 5)


def test_syndicated_pairs_merged_and_different_stories_merged_by_mistake() -> None:
    labels = [
        label("wire.html", group="g"),
        label("portal.html", group="g"),
        label("copy.html", group="g"),
        label("other.html", related_to="g"),
        label("alone.html"),
    ]
    outcomes = [
        PageOutcome("wire.html", 1),
        PageOutcome("portal.html", 1),
        PageOutcome("copy.html", 2),
        PageOutcome("other.html", 2),
        PageOutcome("alone.html", 2),
    ]
    result = syndication(labels, outcomes)
    assert (result.merged.hits, result.merged.total) == (1, 3)
    # copy-other, copy-alone and other-alone all share article 2.
    assert result.wrongly_merged == 3
    assert (result.related.hits, result.related.total) == (1, 3)


def test_pages_that_were_not_stored_are_never_merged() -> None:
    labels = [label("a.html", group="g"), label("b.html", group="g")]
    result = syndication(labels, [PageOutcome("a.html", None), PageOutcome("b.html", None)])
    assert result.merged.hits == 0 and result.wrongly_merged == 0


def test_the_table_puts_each_figure_beside_its_target() -> None:
    labels = [
        label("a.html", labs=frozenset({"meta"}), statement=True, main_lab="meta", stance="open"),
        label("b.html"),
    ]
    outcomes = [
        PageOutcome(
            "a.html", 1, "en", labs=frozenset({"meta"}), suggestions=(seen("meta", "open"),)
        ),
        PageOutcome("b.html", 2, "en", suggestions=(seen("meta", "open"),)),
    ]
    rows = {row.metric: row for row in evaluation_rows(labels, outcomes)}
    assert rows["lab links: F1"].target == ">= 0.95" and rows["lab links: F1"].met is True
    false = rows["false suggestions (% of pages without a statement)"]
    assert (false.value, false.met) == ("1/1 (100%)", False)
    table = markdown_table(list(rows.values()))
    assert table.splitlines()[0] == "| metric | value | target | |"
    assert "| stance, exact step (main lab's top suggestion) | 1/1 (100%) | >= 0.6 | met |" in table
