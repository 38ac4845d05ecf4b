"""The evaluation sets and ``make eval``: how well ingestion reads real-looking news pages.

``evaluation/pages/`` holds invented news and blog pages in English and Japanese, and
``evaluation/labels.toml`` what a careful reader says of each (language, date, labs, models,
whether it reports an openness statement, the main lab's stance, syndicated copies). That is
the development set: the rules were tuned on it. ``evaluation/heldout/`` is a second set in the
same format, written blind after the tuning, whose figures are the fair measure. ``python -m
evaluation`` ingests every page of each set through the real pipeline in a database of its own
and prints, beside the targets of issue 13, how far the pipeline agrees with the labels.

* :mod:`.labels`: read and check the labels file.
* :mod:`.metrics`: the scores, pure functions of labels and outcomes (tests/evaluation/).
* :mod:`.run`: the database, the local HTTP server and the pipeline run that yield outcomes.

Like bench/, this is a tool beside the apps, not an app: nothing in apps/ imports it.
"""
