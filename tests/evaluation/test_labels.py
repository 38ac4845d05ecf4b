"""The evaluation set's labels file is well formed: every page labelled once, every label a
page, enough pages and Japanese ones, every hard case of issue 13 covered, fields consistent."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from evaluation.labels import MIN_JAPANESE, MIN_PAGES, REQUIRED_CASES, labels_problems, labels_read


def test_the_labels_file_of_the_set_is_well_formed() -> None:
    labels = labels_read()
    assert labels_problems(labels) == []
    assert len(labels) >= MIN_PAGES
    assert sum(label.language == "ja" for label in labels) >= MIN_JAPANESE
    covered: set[str] = set().union(*(label.cases for label in labels))
    assert not REQUIRED_CASES - covered


def test_every_labelled_stance_is_on_a_page_with_a_statement_of_one_of_its_labs() -> None:
    for label in labels_read():
        if label.stance is not None:
            assert label.statement and label.main_lab in label.labs, label.file


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
