"""``python -m evaluation [--set dev|heldout|all] [--details]``: ingest the evaluation sets and
print the scores.

Prints, for each set asked for (both by default), a Markdown table of every figure beside issue
13's target: first the development set, on which the rules were tuned, then the held-out set,
written blind afterwards, whose figures are the fair measure. Each set is ingested in a fresh
database of its own, so that no page of one set is merged with or learnt from a page of the
other. ``--details`` adds one line per page that differs from its label. The figures are
reported, not asserted: the exit status is 0 whatever they are, 2 on a bad argument, and 1 only
when the run itself cannot be made (a malformed labels file, a label naming a lab or model the
catalogue does not hold).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evaluation.labels import EvaluationSet, PageLabel
    from evaluation.metrics import PageOutcome


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    parser.add_argument(
        "--set",
        choices=("dev", "heldout", "all"),
        default="all",
        help="which labelled set to run: the development set, the held-out set, or both",
    )
    parser.add_argument(
        "--details", action="store_true", help="one line per page that differs from its label"
    )
    return parser.parse_args(argv)


def _set_run(evaluation_set: EvaluationSet) -> tuple[list[PageLabel], list[PageOutcome]] | None:
    """The set's labels and outcomes, in a fresh database of its own; None (and the problems on
    stderr) when a label names a lab or model the catalogue does not hold."""
    from evaluation.labels import labels_read
    from evaluation.run import catalogue_load, catalogue_unknown, own_database, pages_ingest

    labels = labels_read(evaluation_set.labels)
    with own_database():
        catalogue_load()
        unknown = catalogue_unknown(labels)
        if unknown:
            print(
                "The labels are not usable:",
                *(f"{evaluation_set.key}: {problem}" for problem in unknown),
                sep="\n  ",
                file=sys.stderr,
            )
            return None
        return labels, pages_ingest(labels, evaluation_set.pages)


def main(argv: list[str]) -> int:
    arguments = _arguments(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # The run's own INFO lines (imports, stance recomputations) would bury the table.
    logging.disable(logging.INFO)
    from evaluation.labels import EVALUATION_SETS, ROOT, set_problems
    from evaluation.metrics import evaluation_rows, markdown_table, page_differences

    chosen = [s for s in EVALUATION_SETS if arguments.set in ("all", s.key)]
    problems = [problem for s in chosen for problem in set_problems(s)]
    if problems:
        print("The labels are not usable:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    for index, evaluation_set in enumerate(chosen):
        if index:
            print()
        started = time.perf_counter()
        run = _set_run(evaluation_set)
        if run is None:
            return 1
        labels, outcomes = run
        japanese = sum(label.language == "ja" for label in labels)
        where = evaluation_set.labels.relative_to(ROOT.parent)
        print(
            f"## Evaluation, {evaluation_set.title}: "
            f"{len(labels)} pages ({len(labels) - japanese} English, {japanese} Japanese), "
            f"{where}\n"
        )
        print(markdown_table(evaluation_rows(labels, outcomes)))
        print(
            "\nLinked: a mention names the lab or one of its models, or a suggestion is for it "
            "(evaluation/metrics.py). "
            f"{time.perf_counter() - started:.0f} s."
        )
        if arguments.details:
            print(f"\n### Pages of the {evaluation_set.key} set that differ from their labels\n")
            print("\n".join(f"- {line}" for line in page_differences(labels, outcomes)) or "None.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
