"""The evaluation sets' labels files are well formed: every page labelled once, every label a
page, enough pages and Japanese ones, every hard case of issue 13 covered, fields consistent.
Both the development set and the held-out set, each against its own minimums."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from evaluation.labels import (
    DEVELOPMENT,
    EVALUATION_SETS,
    HELD_OUT,
    MIN_PAGES,
    REQUIRED_CASES,
    EvaluationSet,
    labels_problems,
    labels_read,
    set_problems,
)

SETS = pytest.mark.parametrize("evaluation_set", EVALUATION_SETS, ids=lambda s: s.key)


@SETS
def test_the_labels_file_of_each_set_is_well_formed(evaluation_set: EvaluationSet) -> None:
    labels = labels_read(evaluation_set.labels)
    assert set_problems(evaluation_set) == []
    assert len(labels) >= evaluation_set.min_pages
    assert sum(label.language == "ja" for label in labels) >= evaluation_set.min_japanese
    covered: set[str] = set().union(*(label.cases for label in labels))
    assert not REQUIRED_CASES - covered


def test_the_held_out_set_holds_36_pages_14_japanese_none_from_the_development_set() -> None:
    assert (HELD_OUT.min_pages, HELD_OUT.min_japanese) == (36, 14)
    held_out = {label.file for label in labels_read(HELD_OUT.labels)}
    development = {label.file for label in labels_read(DEVELOPMENT.labels)}
    assert held_out and not held_out & development
    assert HELD_OUT.pages.resolve() != DEVELOPMENT.pages.resolve()


@SETS
def test_every_labelled_stance_is_on_a_page_with_a_statement_of_one_of_its_labs(
    evaluation_set: EvaluationSet,
) -> None:
    for label in labels_read(evaluation_set.labels):
        if label.stance is not None:
            assert label.statement and label.main_lab in label.labs, label.file


def test_a_set_with_too_few_pages_is_reported_with_its_own_minimums_and_name(
    tmp_path: Path,
) -> None:
    labels = labels_read(HELD_OUT.labels)[:3]
    for label in labels:
        (tmp_path / label.file).write_text("<p>page</p>")
    (tmp_path / "labels.toml").write_bytes(HELD_OUT.labels.read_bytes())
    small = dataclasses.replace(HELD_OUT, pages=tmp_path)
    problems = set_problems(small)
    assert any(p.startswith("heldout: ") and "labelled but no such page" in p for p in problems)
    few = labels_problems(labels, tmp_path, min_pages=36, min_japanese=14)
    assert "3 pages; the set needs at least 36" in few
    assert any(p.endswith("Japanese pages; the set needs at least 14") for p in few)


def test_a_malformed_labels_file_is_a_problem_of_its_set(tmp_path: Path) -> None:
    path = tmp_path / "labels.toml"
    path.write_text('[[pages]]\nfile = "a.html"\nlanguage = "en"\n')
    broken = dataclasses.replace(HELD_OUT, labels=path, pages=tmp_path)
    problems = set_problems(broken)
    assert len(problems) == 1 and problems[0].startswith("heldout: labels.toml: page entry 1")


def test_it_reports_a_page_without_a_label_and_a_label_without_a_page(tmp_path: Path) -> None:
    labels = labels_read()
    (tmp_path / "stray.html").write_text("<p>no label</p>")
    for label in labels[1:]:
        (tmp_path / label.file).write_text("<p>page</p>")
    problems = labels_problems(labels, pages=tmp_path)
    assert f"{labels[0].file}: labelled but no such page" in problems
    assert "stray.html: a page without a label" in problems


def test_it_reports_a_missing_case_too_few_pages_and_inconsistent_fields(tmp_path: Path) -> None:
    first = labels_read()[0]
    (tmp_path / first.file).write_text("<p>page</p>")
    broken = dataclasses.replace(first, statement=False, cases=frozenset({"negation"}))
    problems = labels_problems([broken], pages=tmp_path)
    assert f"1 pages; the set needs at least {MIN_PAGES}" in problems
    assert "no page exercises the case 'syndicated'" in problems
    assert f"{first.file}: a page without a statement has no main_lab or stance" in problems


def test_a_malformed_entry_is_refused_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "labels.toml"
    path.write_text('[[pages]]\nfile = "a.html"\nlanguage = "en"\ndate = "14 July"\n')
    with pytest.raises(ValueError, match="page entry 1"):
        labels_read(path)


def test_the_command_runs_both_sets_by_default_or_the_one_asked_for() -> None:
    from evaluation.__main__ import _arguments

    assert _arguments([]).set == "all"
    assert _arguments(["--set", "heldout", "--details"]).set == "heldout"
    with pytest.raises(SystemExit) as refused:
        _arguments(["--set", "test"])
    assert refused.value.code == 2
