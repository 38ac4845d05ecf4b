"""The soak's figures: latency per window, errors, memory, background work, and the verdicts.

Targets (issue 15): zero errors; p99 steady (the last window's within 1.5x the first's); memory
flat (each process's resident memory at the end within 10% of what it was after the warm-up).
They are evaluated and printed, never asserted by a timed test (speed lives in benchmarks).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from bench.soak.load import Sample, percentile
from bench.table import Table

__all__ = [
    "MEMORY_JUDGED_AFTER",
    "P99_STEADY_FACTOR",
    "RSS_GROWTH_LIMIT",
    "Report",
    "Window",
    "windows_of",
]

P99_STEADY_FACTOR = 1.5
RSS_GROWTH_LIMIT = 0.10
#: Seconds after the warm-up a run needs before its memory growth is judged.
MEMORY_JUDGED_AFTER = 120.0


@dataclass(frozen=True)
class Window:
    index: int
    start: float
    end: float
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


def windows_of(samples: list[Sample], *, seconds: float, window: float) -> list[Window]:
    """One row per ``window`` seconds of the run, by when each request was sent."""
    rows = []
    for index in range(max(1, math.ceil(seconds / window - 1e-9))):
        start, end = index * window, min(seconds, (index + 1) * window)
        inside = [s for s in samples if start <= s.sent < end]
        times = sorted(s.seconds * 1000 for s in inside)
        rows.append(
            Window(
                index=index,
                start=start,
                end=end,
                requests=len(inside),
                errors=sum(1 for s in inside if s.failed),
                p50_ms=percentile(times, 0.50),
                p95_ms=percentile(times, 0.95),
                p99_ms=percentile(times, 0.99),
                max_ms=times[-1] if times else 0.0,
            )
        )
    return rows


@dataclass
class Report:
    seconds: float
    window: float
    rate: float
    concurrency: int
    warmup: float
    windows: list[Window]
    #: process name -> [(seconds since the load started, kB)], sampled through the run
    rss: dict[str, list[tuple[float, int]]]
    errors: list[str]
    background: dict[str, object] = field(default_factory=dict)
    log_errors: dict[str, int] = field(default_factory=dict)

    # -- verdicts --------------------------------------------------------------------------

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def rss_at(self, name: str, moment: float) -> int:
        """The first sample at or after ``moment`` (the last one if none)."""
        series = self.rss[name]
        return next((kb for at, kb in series if at >= moment), series[-1][1])

    def rss_growth(self, name: str) -> float:
        after_warmup = self.rss_at(name, self.warmup)
        end = self.rss[name][-1][1]
        return (end - after_warmup) / after_warmup if after_warmup else 0.0

    def verdicts(self) -> list[tuple[str, bool | None, str]]:
        """(target, met or None when it cannot be judged, the figures)."""
        out: list[tuple[str, bool | None, str]] = [
            ("zero errors", self.error_count == 0, f"{self.error_count} errors")
        ]
        first, last = self.windows[0], self.windows[-1]
        if len(self.windows) < 2:
            out.append(("p99 steady", None, "one window only: nothing to compare"))
        else:
            ratio = last.p99_ms / first.p99_ms if first.p99_ms else math.inf
            out.append(
                (
                    f"p99 steady (last ≤ {P99_STEADY_FACTOR}x first)",
                    ratio <= P99_STEADY_FACTOR,
                    f"{first.p99_ms:.0f} ms → {last.p99_ms:.0f} ms ({ratio:.2f}x)",
                )
            )
        # A worker's first minutes (imports, the first fan-outs) are warm-up whatever the run's
        # length: growth over less than MEMORY_JUDGED_AFTER seconds is shown, not judged.
        judged = self.seconds - self.warmup >= MEMORY_JUDGED_AFTER
        for name in self.rss:
            growth = self.rss_growth(name)
            out.append(
                (
                    f"memory flat: {name} (growth < {RSS_GROWTH_LIMIT:.0%} after warm-up)",
                    growth < RSS_GROWTH_LIMIT if judged else None,
                    f"{growth:+.1%}"
                    + ("" if judged else f" (under {MEMORY_JUDGED_AFTER:g} s after warm-up)"),
                )
            )
        return out

    # -- tables ----------------------------------------------------------------------------

    def tables(self) -> list[Table]:
        latency = Table(
            f"Soak: {self.rate:g} requests/s from {self.concurrency} connections for "
            f"{self.seconds:g} s, per {self.window:g}-second window (ms)",
            ["window", "requests", "errors", "p50", "p95", "p99", "max"],
        )
        for w in self.windows:
            latency.add(
                f"{w.start:g}-{w.end:g} s",
                w.requests,
                w.errors,
                w.p50_ms,
                w.p95_ms,
                w.p99_ms,
                w.max_ms,
            )
        latency.notes.extend(f"error: {e}" for e in self.errors[:10])
        memory = Table(
            "Soak: resident memory (VmRSS, the process and its children, MB)",
            ["process", "start", f"after warm-up ({self.warmup:g} s)", "end", "growth"],
        )
        for name, series in self.rss.items():
            memory.add(
                name,
                series[0][1] / 1024,
                self.rss_at(name, self.warmup) / 1024,
                series[-1][1] / 1024,
                f"{self.rss_growth(name):+.1%}",
            )
        work = Table("Soak: background work done during the run", ["what", "count"])
        for what, count in self.background.items():
            work.add(what, count)
        for name, count in self.log_errors.items():
            work.add(f"tracebacks and ERROR lines in the {name} log", count)
        verdicts = Table("Soak: targets", ["target", "verdict", "figures"])
        for target, met, figures in self.verdicts():
            verdicts.add(target, {True: "met", False: "NOT MET", None: "n/a"}[met], figures)
        return [latency, memory, work, verdicts]

    def markdown(self) -> str:
        return "\n\n".join(table.markdown() for table in self.tables()) + "\n"

    def text(self) -> str:
        return "\n\n".join(table.render() for table in self.tables())

    def as_json(self) -> dict[str, object]:
        return {
            "seconds": self.seconds,
            "window": self.window,
            "rate": self.rate,
            "concurrency": self.concurrency,
            "warmup": self.warmup,
            "windows": [asdict(w) for w in self.windows],
            "rss_kb": self.rss,
            "errors": self.errors,
            "background": self.background,
            "log_errors": self.log_errors,
            "verdicts": [{"target": t, "met": m, "figures": f} for t, m, f in self.verdicts()],
        }
