"""Lab timeline with 10,000 statements: the first page, the page at the 10,000th statement by
keyset cursor, and the same deep page fetched with OFFSET (the baseline keyset replaces).

The lab is the big lab of the run's generated database of 100k (bench/generate.py), skipped when
100k is not in the run's --sizes; nothing is written. Each case is the htmx fragment (what "load
more" fetches) rendered end to end through the view, or, for the OFFSET baseline, the same
template fed by an OFFSET query.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, override_settings

from apps.claims.models import Statement
from apps.claims.selectors import statements_for_display
from apps.site.timeline import PAGE_SIZE, Cursor, TimelinePage, timeline_page
from bench.generate import selected_sizes, size_label, sized_database
from bench.table import Table

#: The generated database whose big lab holds 10,000 statements.
SIZE = 100_000
COUNT = SIZE // 10
REPEAT = 25
HX = {"HX-Request": "true"}


def _measure(action: Callable[[], object]) -> tuple[float, float, int]:
    action()  # warm caches and templates
    times = []
    queries: list[str] = []

    def count(execute: Callable[..., object], sql: str, *args: object) -> object:
        queries.append(sql)
        return execute(sql, *args)

    # Not CaptureQueriesContext: each request through the client resets connection.queries.
    with connection.execute_wrapper(count):
        action()
    for _ in range(REPEAT):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1], len(queries)


def run() -> Table:
    from apps.catalog.models import Company

    table = Table(
        title=f"Lab timeline fragment, {COUNT:,} statements, {PAGE_SIZE} per page (ms)",
        columns=["case", "median", "p90", "queries"],
    )
    if SIZE not in selected_sizes():
        table.notes.append(f"Skipped: {size_label(SIZE)} is not in this run's --sizes.")
        return table
    with sized_database(SIZE) as world, override_settings(ALLOWED_HOSTS=["*"]):
        assert world.big_lab_statements == COUNT, world
        lab = Company.objects.get(slug=world.big_lab)
        url = lab.get_absolute_url()
        published = Statement.objects.published().for_company(lab)
        deep = COUNT - PAGE_SIZE
        row = published.order_by("-occurred_on", "-id").values_list("occurred_on", "id")[deep - 1]
        cursor_value = Cursor(*row)
        client = Client()

        def first_page() -> object:
            return client.get(url, headers=HX)

        def deep_keyset() -> object:
            return client.get(f"{url}?after={cursor_value.encode()}", headers=HX)

        def deep_offset() -> object:
            rows = list(
                statements_for_display(published).order_by("-occurred_on", "-id")[
                    deep : deep + PAGE_SIZE + 1
                ]
            )
            page = TimelinePage(rows[:PAGE_SIZE], None)
            return render_to_string("site/lab.html#page", {"page": page, "is_continuation": True})

        shown = statements_for_display(published)

        def first_query() -> object:
            return timeline_page(shown, None).statements

        def deep_keyset_query() -> object:
            return timeline_page(shown, cursor_value).statements

        def deep_offset_query() -> object:
            return list(
                statements_for_display(published).order_by("-occurred_on", "-id")[
                    deep : deep + PAGE_SIZE + 1
                ]
            )

        full = client.get(url)
        assert full.status_code == 200
        for label, action in [
            ("page 1, keyset (view + template)", first_page),
            (f"statements {deep + 1:,}-{COUNT:,}, keyset (view + template)", deep_keyset),
            (f"statements {deep + 1:,}-{COUNT:,}, OFFSET baseline (template)", deep_offset),
            ("page 1, keyset (queries only)", first_query),
            (f"statements {deep + 1:,}-{COUNT:,}, keyset (queries only)", deep_keyset_query),
            (f"statements {deep + 1:,}-{COUNT:,}, OFFSET (queries only)", deep_offset_query),
        ]:
            table.add(label, *_measure(action))
    table.notes.append(
        f"database: {connection.vendor}, the run's {size_label(SIZE)} (the big lab); {REPEAT} "
        "runs each after one warm-up."
    )
    return table
