"""Watched pages: URLs checked per second by one worker, beside a floor of bare conditional GETs.

BENCH_WATCH_URLS (10,000 by default) watches on one local server (127.0.0.1), checked by this
one process through the real service (claim, host lock, conditional GET, settle), in the database
named by DATABASE_URL inside a transaction rolled back at the end. The floor is the same number
of conditional GETs with the same client (apps.watch.hosts.conditional_fetch) in a plain loop.
The first pass reads every page (baseline snapshots); then two passes where nothing changed:
the server answers 304 to the conditional GET, then 200 with the same page and no validators
(the text hash decides). Neither may write a snapshot. Memory is the process's resident set,
sampled as the pass goes; the server counts the most requests it ever had in flight at once.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bench.table import Table

URLS = int(os.environ.get("BENCH_WATCH_URLS", "10000"))


class _Rollback(Exception):
    pass


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run() -> Table:
    from apps.watch.hosts import conditional_fetch
    from apps.watch.models import Watch, WatchSnapshot
    from apps.watch.services.watches import watches_check
    from tests.support.httpserver import LocalHTTPServer, RecordedRequest, Response

    mode = {"validators": True}
    in_flight = {"now": 0, "max": 0}
    lock = threading.Lock()

    def answer(request: RecordedRequest) -> Response:
        with lock:
            in_flight["now"] += 1
            in_flight["max"] = max(in_flight["max"], in_flight["now"])
        try:
            n = request.path.rsplit("/", 1)[-1]
            etag = f'"p{n}"'
            if mode["validators"] and request.headers.get("if-none-match") == etag:
                return Response(status=304, headers={"ETag": etag})
            body = (
                f"<html lang=en><head><title>Licence {n}</title></head><body><main><h1>Licence "
                f"{n}</h1><p>Page {n} grants the right to use, copy and modify the weights of "
                "the model, subject to the acceptable use policy and the attribution notice, "
                "for research and for commercial use below the threshold of monthly users.</p>"
                "<p>The developer provides the model as is, without warranties of any kind.</p>"
                "</main></body></html>"
            ).encode()
            headers = {"Content-Type": "text/html; charset=utf-8"}
            if mode["validators"]:
                headers["ETag"] = etag
            return Response(headers=headers, body=body)
        finally:
            with lock:
                in_flight["now"] -= 1

    settings.FETCH_ALLOW_PRIVATE = True
    table = Table(
        f"Watched pages: {URLS} URLs on one local host, one worker process",
        ["pass", "seconds", "URLs/s", "relative", "snapshots written", "RSS MB (start→end)"],
    )
    with LocalHTTPServer() as server:
        for n in range(URLS):
            server.handle(f"/w/{n}", answer)
        urls = [server.url(f"/w/{n}") for n in range(URLS)]
        conditional_fetch(urls[0])  # robots.txt, fetched once and cached for every pass

        started = time.perf_counter()
        for url in urls:
            conditional_fetch(url, etag=f'"p{url.rsplit("/", 1)[-1]}"')
        floor = time.perf_counter() - started
        table.add("floor: conditional GETs in a loop (304)", floor, URLS / floor, 1.0, "", "")

        try:
            with transaction.atomic():
                Watch.objects.bulk_create(Watch(url=url, interval_minutes=60) for url in urls)

                def one_pass(label: str) -> None:
                    server.clear()  # the test server's own log of requests is not the worker's
                    Watch.objects.update(next_check_at=timezone.now())
                    before, rss = WatchSnapshot.objects.count(), _rss_mb()
                    started = time.perf_counter()
                    outcomes: Any = watches_check(budget_seconds=float("inf"))
                    seconds = time.perf_counter() - started
                    written = WatchSnapshot.objects.count() - before
                    table.add(
                        f"{label} ({', '.join(f'{v} {k}' for k, v in sorted(outcomes.items()))})",
                        seconds,
                        URLS / seconds,
                        seconds / floor,
                        written,
                        f"{rss:.0f}→{_rss_mb():.0f}",
                    )

                one_pass("first reading")
                # One 304 pass: a second one measured the same (82 s and 95 s, loaded) and
                # cost a sixth of the module's time.
                one_pass("unchanged, 304")
                mode["validators"] = False
                Watch.objects.update(etag="", last_modified="")
                one_pass("unchanged, 200 same hash")
                raise _Rollback
        except _Rollback:
            pass
    table.notes.append(
        f"Most requests in flight at the server at once: {in_flight['max']} (one per host). "
        "'relative' is time per URL against the floor; rows rolled back at the end."
    )
    return table
