"""The API's statements list against a floor: the same stack answering a constant JSON body.

The floor is GET /api/v1/ (the API's index: a constant document of links) through everything a
list goes through too: the edge middleware (rate limit in Redis, ETag, Last-Modified kept in
Redis, CORS), django-ninja, its schema validation and renderer. What a statements page costs on
top of it is the database and the presenting of its rows. Measured on the sized databases of
bench/generate.py (``--sizes``, BENCH_SIZES; kept between runs with ``--keep-data``); the
filtered case is the big lab's (a tenth of the record) with one stance.

It only reads. The queries column is the count for one request; it must not grow with the page
size or the record. BENCH_PROFILE=1 writes a cProfile of the cases at the largest size to
bench/results/profile-api-<case>.txt (bench/profiling.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client, override_settings

from bench.generate import World, selected_sizes, size_label, sized_database
from bench.profiling import profiled, profiling
from bench.table import Table
from bench.timing import query_count, timed_together

ROUNDS = 60
LIMIT = 20
TARGET = 3.0
PROFILE_ROUNDS = 300


def _get(client: Client, url: str, status: int = 200, **headers: str) -> Callable[[], object]:
    def action() -> object:
        response = client.get(url, headers=headers)
        assert response.status_code == status, (url, response.status_code)
        return response

    return action


def _cases(client: Client, world: World) -> list[tuple[str, str, Callable[[], object]]]:
    """(label, profile name, action) of each request, the floor first."""
    from apps.api.cursors import cursor_encode
    from apps.claims.models import Statement

    published = Statement.objects.published()
    total = published.count()
    last = published.order_by("-occurred_on", "-id").values_list("occurred_on", "id")[
        total - LIMIT - 1
    ]
    deep = cursor_encode("statements", *last)
    page = f"/api/v1/statements?limit={LIMIT}"
    etag = client.get(page)["ETag"]
    return [
        ("floor: GET /api/v1/ (constant body)", "floor", _get(client, "/api/v1/")),
        ("page 1", "page1", _get(client, page)),
        ("page 1, limit=100", "limit100", _get(client, "/api/v1/statements?limit=100")),
        (
            f"last page (statement {total - LIMIT + 1:,} on), by cursor",
            "last",
            _get(client, f"{page}&cursor={deep}"),
        ),
        (
            "page 1, lab and stance filters",
            "filtered",
            _get(client, f"{page}&lab={world.big_lab}&stance=mixed"),
        ),
        ("page 1, If-None-Match (304)", "304", _get(client, page, 304, **{"If-None-Match": etag})),
    ]


def run() -> Table:
    table = Table(
        title=f"API statements list against the floor endpoint, {LIMIT} per page (ms)",
        columns=["statements", "case", "median", "p95", "p95 / floor p95", "target", "queries"],
    )
    sizes = selected_sizes()
    for size in sizes:
        with (
            sized_database(size) as world,
            override_settings(ALLOWED_HOSTS=["*"], API_RATE_LIMIT=10**9),
        ):
            client = Client()
            cases = _cases(client, world)
            timings = timed_together([action for _label, _name, action in cases], ROUNDS)
            floor_p95 = timings[0][1]
            for index, ((label, _name, action), (median, p95)) in enumerate(
                zip(cases, timings, strict=True)
            ):
                ratio = p95 / floor_p95
                target = (
                    ""
                    if index == 0 or "limit=100" in label
                    else (f"<= {TARGET:g}x " + ("met" if ratio <= TARGET else "NOT met"))
                )
                table.add(
                    size_label(size), label, median, p95, f"{ratio:.2f}x", target,
                    query_count(action),
                )  # fmt: skip
            if profiling() and size == sizes[-1]:
                for _label, name, action in cases:
                    with profiled(f"api-{name}"):
                        for _ in range(PROFILE_ROUNDS):
                            action()
            if world.seconds:
                table.notes.append(f"{size_label(size)}: generated in {world.seconds:.0f} s.")
    table.notes.append(
        f"{ROUNDS} rounds of every case in turn after one warm-up, through Django's test client "
        "(no network); the target (issue 12) is p95 within 3x of the floor's, limit=100 is "
        "reported only. It reads only; the sized databases are bench/generate.py's."
    )
    return table
