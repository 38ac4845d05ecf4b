"""Real Celery workers for the benchmarks: started on given queues, their memory read from /proc
(each worker's process and its pool children), and helpers that wait for work to be done.

The workers are tests/support/worker.py's CeleryWorker (the one way a process of ours starts a
worker); they use the database the default connection points at, so a benchmark that runs
them works in a database of its own (bench/databases.py) with committed rows.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.support.worker import CeleryWorker


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of ``pid`` and all its descendants, summed, from /proc (kB). Summed RSS
    counts the pages a prefork pool shares with its parent once per process; PSS divides
    them among the sharers, so it is what the tree really holds."""
    rss = pss = 0
    for one in [pid, *_descendants(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{one}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
    return rss, pss


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            found += [int(child), *_descendants(int(child))]
    return found


class PeakMemory:
    """Samples the summed tree memory of some processes every 0.2 s while in use: the peaks,
    ``.peak_kb`` (RSS) and ``.peak_pss_kb``."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak_kb = 0
        self.peak_pss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        samples = [tree_memory_kb(pid) for pid in self.pids]
        self.peak_kb = max(self.peak_kb, sum(rss for rss, _ in samples))
        self.peak_pss_kb = max(self.peak_pss_kb, sum(pss for _, pss in samples))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


@contextlib.contextmanager
def workers(
    *, processes: int, concurrency: int, queues: tuple[str, ...], env: dict[str, str] | None = None
) -> Iterator[list[CeleryWorker]]:
    """``processes`` worker processes, each with ``concurrency`` pool processes, consuming
    ``queues``; stopped at the end."""
    started: list[CeleryWorker] = []
    try:
        for _ in range(processes):
            worker = CeleryWorker(queues=queues, concurrency=concurrency, extra_env=env or {})
            started.append(worker.start(timeout=60))
        yield started
    finally:
        for worker in started:
            with contextlib.suppress(Exception):
                worker.stop()


def pids(running: list[CeleryWorker]) -> list[int]:
    return [worker.process.pid for worker in running if worker.process is not None]


def wait_for(done: Callable[[], bool], *, timeout: float, what: str) -> float:
    """Seconds until ``done()`` (polled every 50 ms); RuntimeError after ``timeout``."""
    started = time.perf_counter()
    while not done():
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return time.perf_counter() - started


def cores() -> int:
    return len(os.sched_getaffinity(0))
