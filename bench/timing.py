"""Timing helpers shared by the page benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.db import connection

__all__ = ["p95", "query_count", "timed_together"]


def p95(sorted_values: list[float]) -> float:
    return sorted_values[max(0, int(len(sorted_values) * 0.95) - 1)]


def query_count(action: Callable[[], object]) -> int:
    """Queries ``action`` sends (not CaptureQueriesContext: each test-client request resets
    connection.queries)."""
    queries: list[str] = []

    def count(execute: Callable[..., object], sql: str, *args: object) -> object:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        action()
    return len(queries)


def timed_together(actions: list[Callable[[], object]], rounds: int) -> list[tuple[float, float]]:
    """Median and p95 (ms) of each action, timed in turns (one of each per round, after one
    warm-up each), so that whatever else the machine does weighs on all of them alike."""
    for action in actions:
        action()
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(rounds):
        for index, action in enumerate(actions):
            start = time.perf_counter()
            action()
            times[index].append((time.perf_counter() - start) * 1000)
    found = []
    for series in times:
        series.sort()
        found.append((statistics.median(series), p95(series)))
    return found
