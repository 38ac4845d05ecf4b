"""The lab page under load against the floor view under the same load, served by gunicorn.

gunicorn (two workers, as in issue 16's measurements; BENCH_LOAD_WORKERS) serves the site on a
free loopback port with bench.settings (the site plus the floor view, bench/floor.py), on the
database of the largest size of the run (bench/generate.py: its big lab holds 100,000 statements
at 1M; BENCH_LOAD_SIZE picks another). The load is bench/soak/load.py's generator run as a closed
loop: 32 connections (BENCH_LOAD_CONNECTIONS), each sending its next request as soon as the last
is answered, for 20 seconds (BENCH_LOAD_SECONDS) per case, in this process, on the same machine.

Cases: the big lab's first page, full and as the htmx fragment, each followed by its floor (the
same bytes from a static template, the same headers). Targets (issue 16): requests/s at least
50% of the floor's, zero errors (no answer, or a status of 400 or above).
"""

from __future__ import annotations

import http.client
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.bench_lab_pages import HX, floor_name
from bench.floor import floor_write
from bench.generate import selected_sizes, size_label, sized_database
from bench.soak.load import LoadGenerator, percentile
from bench.soak.stack import Process
from bench.table import Table

TARGET = 0.5


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _fetch(port: int, path: str, headers: dict[str, str]) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
        return body
    finally:
        connection.close()


def _wait_ready(web: Process, port: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not web.running():
            raise RuntimeError(f"gunicorn exited:\n{web.log_tail()}")
        try:
            _fetch(port, "/healthz", {})
            return
        except (OSError, RuntimeError):
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn not ready within {timeout:.0f}s:\n{web.log_tail()}")


def _load(
    port: int, path: str, headers: dict[str, str], kinds: Counter[str]
) -> tuple[float, float, float, int]:
    """Requests/s answered without error, p50 and p95 latency (ms), errors (counted by kind
    into ``kinds``)."""
    seconds = _env_int("BENCH_LOAD_SECONDS", 20)
    generator = LoadGenerator(
        host="127.0.0.1",
        port=port,
        paths=[path],
        rate=1e9,  # far above what the site answers: a closed loop
        concurrency=_env_int("BENCH_LOAD_CONNECTIONS", 32),
        headers=headers,
    ).start()
    time.sleep(seconds)
    samples = generator.stop()
    ok = sorted(s.seconds * 1000 for s in samples if not s.failed and s.sent < seconds)
    errors = sum(1 for s in samples if s.failed)
    kinds.update(s.error.split(":")[0] or f"HTTP {s.status}" for s in samples if s.failed)
    return len(ok) / seconds, percentile(ok, 0.5), percentile(ok, 0.95), errors


def run() -> Table:
    from tests.support.smtpserver import free_port

    size = _env_int("BENCH_LOAD_SIZE", max(selected_sizes()))
    workers = _env_int("BENCH_LOAD_WORKERS", 2)
    connections = _env_int("BENCH_LOAD_CONNECTIONS", 32)
    table = Table(
        title=f"Lab page under load against the floor view: gunicorn, {workers} workers, "
        f"{connections} connections on loopback",
        columns=["statements", "lab", "case", "requests/s", "p50 ms", "p95 ms", "errors",
                 "share of the floor", "target"],
    )  # fmt: skip
    with (
        sized_database(size) as world,
        tempfile.TemporaryDirectory(prefix="bench-load-") as scratch,
    ):
        from bench.databases import database_url

        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url(),
            "BENCH_FLOOR_DIR": scratch,
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                   "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]  # fmt: skip
        web = Process("web", command, Path(scratch) / "gunicorn.log")
        web.start(env)
        try:
            _wait_ready(web, port)
            url = f"/labs/{world.big_lab}/"
            for case, headers in [("full, first page", {}), ("fragment, first page", HX)]:
                name = f"load-{floor_name(case)}"
                floor_write(Path(scratch), name, _fetch(port, url, headers))
                figures = {}
                kinds: Counter[str] = Counter()
                for label, path in [(case, url), (f"floor of the {case}", f"/bench-floor/{name}/")]:
                    for _ in range(10):  # warm each worker's caches
                        _fetch(port, path, headers)
                    figures[label] = _load(port, path, headers, kinds)
                if kinds:
                    table.notes.append(
                        f"{case}: errors by kind: "
                        + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common())
                    )
                floor_rps = figures[f"floor of the {case}"][0]
                for label, (rps, p50, p95, errors) in figures.items():
                    share = rps / floor_rps if floor_rps else 0.0
                    target = ""
                    if label == case:
                        met = share >= TARGET and errors == 0
                        target = f">= {TARGET:.0%}, 0 errors: " + ("met" if met else "NOT met")
                    table.add(
                        size_label(size), f"{world.big_lab_statements:,}", label, rps, p50, p95,
                        errors, f"{share:.0%}", target,
                    )  # fmt: skip
        finally:
            web.stop()
    table.notes.append(
        f"{_env_int('BENCH_LOAD_SECONDS', 20)} s per case after 10 warm-up requests; the load "
        "generator (Python threads) runs on the same machine as gunicorn and PostgreSQL, so it "
        "takes CPU from both alike; DEBUG off."
    )
    return table
