"""``python -m evaluation [--details]``: ingest the evaluation set and print the scores.

Prints a Markdown table of every figure beside issue 13's target; ``--details`` adds one line per
page that differs from its label. The figures are reported, not asserted: the exit status is 0
whatever they are, and 1 only when the run itself cannot be made (a malformed labels file, a
label naming a lab or model the catalogue does not hold).
"""

from __future__ import annotations

import logging
import os
import sys
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # The run's own INFO lines (imports, stance recomputations) would bury the table.
    logging.disable(logging.INFO)
    from evaluation.labels import labels_problems, labels_read
    from evaluation.metrics import evaluation_rows, markdown_table, page_differences
    from evaluation.run import catalogue_load, catalogue_unknown, own_database, pages_ingest

    started = time.perf_counter()
    labels = labels_read()
    problems = labels_problems(labels)
    with own_database():
        catalogue_load()
        problems += catalogue_unknown(labels)
        if problems:
            print("The labels are not usable:", *problems, sep="\n  ", file=sys.stderr)
            return 1
        outcomes = pages_ingest(labels)
    japanese = sum(label.language == "ja" for label in labels)
    print(
        f"## Evaluation: {len(labels)} pages ({len(labels) - japanese} English, {japanese} "
        f"Japanese), evaluation/labels.toml\n"
    )
    print(markdown_table(evaluation_rows(labels, outcomes)))
    print(
        "\nLinked: a mention names the lab or one of its models, or a suggestion is for it "
        "(evaluation/metrics.py). "
        f"{time.perf_counter() - started:.0f} s."
    )
    if "--details" in argv:
        print("\n### Pages that differ from their labels\n")
        print("\n".join(f"- {line}" for line in page_differences(labels, outcomes)) or "None.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
