"""The lab page at every size (bench/generate.py), against a floor of the same size.

The page is the big lab's (a tenth of the record: 100,000 statements at 1M), requested four ways
(and two cold):
the full page and the htmx fragment (HX-Request, what a filter change or "load more" fetches),
each on the first page and on a deep page (``?after=`` the cursor of the lab's 20th-oldest
statement). The first page is requested cold too: before each of its requests the lab's stance
version is replaced (what any recompute does) and the cache emptied, so that nothing the page
caches (the charts, apps/site/lab_charts.py; the cards, apps/site/cards.py) is found: what the
first request after an edit costs, at worst (its query count includes the one UPDATE that
replaces the version). Each one's floor is a static template of the same bytes, rendered by a
view through the same middleware (bench/floor.py, served by bench.settings' URLconf only). Each
case and its floor are timed in turns, through Django's test client (no network).

Targets (issue 16): p95 within 3x of the floor's for a fragment and 5x for a full page; the
largest size within 1.5x of the smallest; the same number of queries at every size.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from django.test import Client, override_settings

from bench.floor import floor_write
from bench.generate import World, selected_sizes, size_label, sized_database
from bench.table import Table
from bench.timing import query_count, timed_together

ROUNDS = 30
HX = {"HX-Request": "true"}
TARGETS = {"fragment": 3.0, "full": 5.0}
GROWTH_TARGET = 1.5


def deep_cursor(world: World) -> str:
    """The cursor after which the big lab's last page (its 20 oldest statements) starts."""
    from apps.catalog.models import Company
    from apps.claims.models import Statement
    from apps.site.timeline import PAGE_SIZE, Cursor

    lab = Company.objects.get(slug=world.big_lab)
    published = Statement.objects.published().for_company(lab).order_by("-occurred_on", "-id")
    row = published.values_list("occurred_on", "id")[world.big_lab_statements - PAGE_SIZE - 1]
    return Cursor(*row).encode()


def lab_cases(world: World) -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, headers) of the six requests ("cold" in the name: nothing cached)."""
    url = f"/labs/{world.big_lab}/"
    deep = f"{url}?after={deep_cursor(world)}"
    return [
        ("full, first page", url, {}),
        ("fragment, first page", url, HX),
        ("full, deep page", deep, {}),
        ("fragment, deep page", deep, HX),
        ("full, first page, cold", url, {}),
        ("fragment, first page, cold", url, HX),
    ]


def _forget(world: World) -> None:
    """What an edit does to the lab page's caches, and more: a new stance version for the lab
    (what every recompute writes) and an empty cache (no card found either)."""
    from django.core.cache import cache

    from apps.claims.models import StanceVersion

    StanceVersion.objects.filter(company__slug=world.big_lab).update(token=uuid.uuid4().hex)
    cache.clear()


def _get(
    client: Client, path: str, headers: dict[str, str], before: Callable[[], None] | None = None
) -> Callable[[], bytes]:
    def action() -> bytes:
        if before is not None:
            before()
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        return response.content

    return action


def _timed(
    actions: list[Callable[[], object]], cases: list[str]
) -> tuple[dict[int, tuple[float, float]], dict[int, int]]:
    """Timings (by action) and query counts (by case): the warm cases in turns, then the cold
    ones apart, since a cold request forgets what the warm ones would find."""
    timings: dict[int, tuple[float, float]] = {}
    counts: dict[int, int] = {}
    for cold in (False, True):
        group = [index for index, case in enumerate(cases) if ("cold" in case) == cold]
        chosen = [action for index in group for action in actions[2 * index : 2 * index + 2]]
        measured = timed_together(chosen, ROUNDS)
        for position, index in enumerate(group):
            timings[2 * index] = measured[2 * position]
            timings[2 * index + 1] = measured[2 * position + 1]
            counts[index] = query_count(actions[2 * index])
    return timings, counts


def floor_name(case: str) -> str:
    return case.replace(",", "").replace(" ", "-")


def run() -> Table:
    table = Table(
        title="Lab page (the big lab) against a static template of the same size (floor) (ms)",
        columns=["statements", "lab", "case", "median", "p95", "floor p95", "p95 / floor",
                 "target", "queries", "KB"],
    )  # fmt: skip
    p95s: dict[str, dict[int, float]] = {}
    queries: dict[str, set[int]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as floors:
        for size in selected_sizes():
            with (
                sized_database(size) as world,
                override_settings(
                    ALLOWED_HOSTS=["*"], ROOT_URLCONF="bench.urls", BENCH_FLOOR_DIR=floors
                ),
            ):
                client = Client()
                actions: list[Callable[[], object]] = []
                sizes_kb = []
                for case, path, headers in lab_cases(world):
                    cold = (lambda: _forget(world)) if "cold" in case else None
                    page = _get(client, path, headers, cold)
                    body = page()
                    name = f"{floor_name(case)}-{size}"
                    floor_write(Path(floors), name, body)
                    actions += [page, _get(client, f"/bench-floor/{name}/", headers)]
                    sizes_kb.append(len(body) / 1024)
                timings, counts = _timed(actions, [case for case, _p, _h in lab_cases(world)])
                for index, (case, _path, _headers) in enumerate(lab_cases(world)):
                    (median, p95), (_fm, floor_p95) = timings[2 * index], timings[2 * index + 1]
                    target = TARGETS[case.split(",")[0]]
                    ratio = p95 / floor_p95
                    count = counts[index]
                    p95s.setdefault(case, {})[size] = p95
                    queries.setdefault(case, set()).add(count)
                    table.add(
                        size_label(size), f"{world.big_lab_statements:,}", case, median, p95,
                        floor_p95, f"{ratio:.1f}x",
                        f"<= {target:g}x " + ("met" if ratio <= target else "NOT met"),
                        count, f"{sizes_kb[index]:.0f}",
                    )  # fmt: skip
                if world.seconds:
                    table.notes.append(
                        f"{size_label(size)}: generated in {world.seconds:.0f} s "
                        f"({world.labs} labs, {world.subscribers:,} subscribers, "
                        f"{world.dataset_records:,} dataset records)."
                    )
    sizes = selected_sizes()
    if len(sizes) > 1:
        for case, by_size in p95s.items():
            growth = by_size[sizes[-1]] / by_size[sizes[0]]
            verdict = "met" if growth <= GROWTH_TARGET else "NOT met"
            constant = "constant" if len(queries[case]) == 1 else "NOT constant"
            table.notes.append(
                f"{case}: p95 at {size_label(sizes[-1])} / at {size_label(sizes[0])} = "
                f"{growth:.2f}x (target <= {GROWTH_TARGET:g}x: {verdict}); queries "
                f"{sorted(queries[case])} ({constant})."
            )
    table.notes.append(
        f"{ROUNDS} rounds of every case and its floor in turn after one warm-up, through "
        "Django's test client; the lab holds a tenth of the statements."
    )
    return table
