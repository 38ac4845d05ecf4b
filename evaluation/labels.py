"""The labels of the evaluation sets, read into typed rows and checked.

Two sets, labelled alike (evaluation/labels.toml's header says what each field means):

* the development set (``evaluation/pages``, ``evaluation/labels.toml``): the ingestion rules
  were tuned while looking at its failing pages, so its figures are no longer a fair measure;
* the held-out set (``evaluation/heldout/``): written blind afterwards, by someone who had not
  read the rules, and committed before any run over it. Its figures are the fair ones.

:func:`labels_problems` is what tests/evaluation/test_labels.py asserts is empty for each set.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PAGES = ROOT / "pages"
LABELS = ROOT / "labels.toml"
HELDOUT = ROOT / "heldout"

STANCES = ("open", "leaning_open", "mixed", "leaning_closed", "closed")
LANGUAGES = ("en", "ja")
NONE = "none"

#: The hard cases of issue 13 that the set must exercise, each on at least one page.
REQUIRED_CASES = frozenset(
    {
        "common_word_alias",  # an alias that is an ordinary word, in ordinary prose
        "spelling_variant",  # space, hyphen or dot instead of the catalogue's spelling
        "fullwidth_variant",  # full-width digits and letters in Japanese text
        "family_prefix_dropped",  # "Scout" where the lab was just named
        "family_name",  # "the Gemma family": the family, not one member
        "executive_without_lab",  # a known executive speaks; the lab is not in the sentence
        "no_own_date",  # the page prints no date of its own
        "years_in_text",  # ... but years appear in its text
        "promo_line",  # a promotion with a deadline
        "metadata_date",  # article:published_time
        "jsonld_date",  # JSON-LD datePublished
        "dateline",  # "SAN FRANCISCO, Jan 20, 2026 (Asterisk Wire) —"
        "syndicated",  # a copy of a story on a portal, with its own headline and credit line
        "related_story",  # a different story sharing background text with a syndicated one
        "negation",  # "will not release the weights"
        "hedge",  # "may keep some models closed"
        "reported_speech",  # sources or reports, not the lab
        "own_words",  # the lab or its spokesperson
        "critic_vs_lab",  # a critic's opinion beside the lab's position
        "no_statement",  # about AI, but no openness statement
        "boilerplate_names",  # labs named only in navigation or related-link boxes
        "japanese",
    }
)
MIN_PAGES = 64
MIN_JAPANESE = 20


@dataclass(frozen=True)
class EvaluationSet:
    """One labelled set: its pages, its labels file and the least it must hold."""

    key: str
    title: str
    pages: Path
    labels: Path
    min_pages: int
    min_japanese: int


DEVELOPMENT = EvaluationSet(
    "dev", "development set (rules were tuned on it)", PAGES, LABELS, MIN_PAGES, MIN_JAPANESE
)
HELD_OUT = EvaluationSet(
    "heldout",
    "held-out set (written blind after the tuning)",
    HELDOUT / "pages",
    HELDOUT / "labels.toml",
    36,
    14,
)
EVALUATION_SETS = (DEVELOPMENT, HELD_OUT)


@dataclass(frozen=True)
class PageLabel:
    file: str
    language: str
    date: datetime.date | None
    labs: frozenset[str]
    models: frozenset[str]
    families: frozenset[str]
    statement: bool
    main_lab: str | None
    stance: str | None
    group: str | None
    related_to: str | None
    cases: frozenset[str]


def _optional(value: str) -> str | None:
    return None if value == NONE else value


def labels_read(path: Path = LABELS) -> list[PageLabel]:
    """Every page's label, in file order. Raises ValueError on a malformed entry."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    labels = []
    for index, entry in enumerate(data.get("pages", [])):
        try:
            date = _optional(entry["date"])
            labels.append(
                PageLabel(
                    file=entry["file"],
                    language=entry["language"],
                    date=datetime.date.fromisoformat(date) if date else None,
                    labs=frozenset(entry["labs"]),
                    models=frozenset(entry["models"]),
                    families=frozenset(entry["families"]),
                    statement=bool(entry["statement"]),
                    main_lab=_optional(entry["main_lab"]),
                    stance=_optional(entry["stance"]),
                    group=entry.get("group"),
                    related_to=entry.get("related_to"),
                    cases=frozenset(entry["cases"]),
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path.name}: page entry {index + 1}: {error!r}") from error
    return labels


def labels_problems(
    labels: list[PageLabel],
    pages: Path = PAGES,
    *,
    min_pages: int = MIN_PAGES,
    min_japanese: int = MIN_JAPANESE,
) -> list[str]:
    """What is wrong with the labels as a set; empty when they are well formed."""
    problems: list[str] = []
    files = [label.file for label in labels]
    on_disk = {path.name for path in pages.glob("*.html")}
    twice = {name for name in files if files.count(name) > 1}
    problems += [f"{name}: labelled twice" for name in sorted(twice)]
    problems += [f"{name}: labelled but no such page" for name in sorted(set(files) - on_disk)]
    problems += [f"{name}: a page without a label" for name in sorted(on_disk - set(files))]
    if len(labels) < min_pages:
        problems.append(f"{len(labels)} pages; the set needs at least {min_pages}")
    japanese = sum(label.language == "ja" for label in labels)
    if japanese < min_japanese:
        problems.append(f"{japanese} Japanese pages; the set needs at least {min_japanese}")
    covered = set().union(*(label.cases for label in labels)) if labels else set()
    missing = sorted(REQUIRED_CASES - covered)
    problems += [f"no page exercises the case {case!r}" for case in missing]
    groups: dict[str, int] = {}
    for label in labels:
        if label.group:
            groups[label.group] = groups.get(label.group, 0) + 1
        problems += _page_problems(label)
    problems += [f"group {g!r} has a single page" for g, n in sorted(groups.items()) if n < 2]
    problems += [
        f"{label.file}: related_to names no group ({label.related_to!r})"
        for label in labels
        if label.related_to and label.related_to not in groups
    ]
    return problems


def set_problems(evaluation_set: EvaluationSet) -> list[str]:
    """What is wrong with one set's labels file and pages, each problem naming the set."""
    try:
        labels = labels_read(evaluation_set.labels)
    except ValueError as error:
        return [f"{evaluation_set.key}: {error}"]
    problems = labels_problems(
        labels,
        evaluation_set.pages,
        min_pages=evaluation_set.min_pages,
        min_japanese=evaluation_set.min_japanese,
    )
    return [f"{evaluation_set.key}: {problem}" for problem in problems]


def _page_problems(label: PageLabel) -> list[str]:
    problems = []
    if label.language not in LANGUAGES:
        problems.append(f"language {label.language!r} is not one of {LANGUAGES}")
    if (label.language == "ja") != ("japanese" in label.cases):
        problems.append("the 'japanese' case tag must be on exactly the Japanese pages")
    if label.statement:
        if label.main_lab is None or label.stance is None:
            problems.append("a page with a statement needs its main_lab and stance")
        elif label.main_lab not in label.labs:
            problems.append(f"main_lab {label.main_lab!r} is not among its labs")
    elif label.main_lab is not None or label.stance is not None:
        problems.append("a page without a statement has no main_lab or stance")
    if label.stance is not None and label.stance not in STANCES:
        problems.append(f"stance {label.stance!r} is not one of {STANCES}")
    if label.statement == ("no_statement" in label.cases):
        problems.append("the 'no_statement' case tag must match statement = false")
    if (label.date is None) != ("no_own_date" in label.cases):
        problems.append("the 'no_own_date' case tag must match date = 'none'")
    if ("syndicated" in label.cases) != (label.group is not None):
        problems.append("the 'syndicated' case tag must match having a group")
    return [f"{label.file}: {problem}" for problem in problems]
