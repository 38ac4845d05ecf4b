"""A steady load on loopback: threads with keep-alive http.client connections, at a fixed rate.

Each of ``concurrency`` threads sends its share of ``rate`` requests per second on a schedule
(request k of thread i at ``start + (k * concurrency + i) / rate``), so the offered load stays
the same whatever the site does; a thread that falls behind (the site slower than the schedule)
starts again from the present rather than bursting to catch up. The paths are taken in turn from
one list shared by every thread, so each window sees the same mix. Every answer is recorded with
the time it was sent, its latency and its status; an answer of 400 or above, or no answer at
all (refused, reset, timed out), is an error.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from dataclasses import dataclass

__all__ = ["LoadGenerator", "Sample", "percentile"]


@dataclass(frozen=True)
class Sample:
    #: Seconds since the load started, when the request was sent.
    sent: float
    seconds: float
    status: int  # 0: no answer
    path: str
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.status == 0 or self.status >= 400


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, int(-(-fraction * len(sorted_values) // 1)))  # ceil
    return sorted_values[min(rank, len(sorted_values)) - 1]


class LoadGenerator:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        paths: list[str],
        rate: float,
        concurrency: int,
        timeout: float = 30.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        if not paths:
            raise ValueError("the load needs at least one path")
        self.host, self.port = host, port
        self.paths = paths
        self.rate = rate
        self.concurrency = concurrency
        self.timeout = timeout
        #: Sent with every request (besides Accept-Language), e.g. HX-Request for a fragment.
        self.headers = dict(headers or {})
        self.samples: list[Sample] = []
        self._lock = threading.Lock()
        self._turn = itertools.count()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.started = 0.0

    def start(self) -> LoadGenerator:
        self.started = time.monotonic()
        for index in range(self.concurrency):
            thread = threading.Thread(
                target=self._run, args=(index,), name=f"soak-load-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> list[Sample]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout + 5)
        with self._lock:
            return list(self.samples)

    def _next_path(self) -> str:
        with self._lock:
            return self.paths[next(self._turn) % len(self.paths)]

    def _run(self, index: int) -> None:
        interval = self.concurrency / self.rate
        due = self.started + index / self.rate
        connection: http.client.HTTPConnection | None = None
        # Alternate the two languages the site speaks, so both catalogues stay in use.
        languages = itertools.cycle(["en", "ja"] if index % 2 else ["ja", "en"])
        while not self._stop.is_set():
            now = time.monotonic()
            if due > now:
                if self._stop.wait(due - now):
                    break
            else:
                due = now  # behind schedule: go on from now, never burst
            due += interval
            path = self._next_path()
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            sent = time.monotonic()
            try:
                headers = {**self.headers, "Accept-Language": next(languages)}
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status, error = response.status, ""
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as failure:
                status, error = 0, f"{type(failure).__name__}: {failure}"
                if connection is not None:
                    connection.close()
                connection = None
            sample = Sample(sent - self.started, time.monotonic() - sent, status, path, error)
            with self._lock:
                self.samples.append(sample)
        if connection is not None:
            connection.close()
