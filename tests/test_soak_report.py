"""The soak's arithmetic (bench/soak/report.py, load.py), in-process: windows, percentiles, and
the verdicts on its three targets, from made-up samples."""

from __future__ import annotations

from bench.soak.load import Sample, percentile
from bench.soak.report import Report, windows_of


def _report(samples: list[Sample], rss: list[tuple[float, int]], seconds: float = 600) -> Report:
    return Report(
        seconds=seconds,
        window=60,
        rate=10,
        concurrency=4,
        warmup=min(60, seconds / 4),
        windows=windows_of(samples, seconds=seconds, window=60),
        rss={"worker": rss},
        errors=[f"{s.path}: {s.status}" for s in samples if s.failed],
    )


def _verdicts(report: Report) -> dict[str, bool | None]:
    return {target.split(" (")[0]: met for target, met, _ in report.verdicts()}


def test_nearest_rank_percentiles() -> None:
    values = [float(n) for n in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.99), percentile(values, 1.0)) == (
        50.0,
        99.0,
        100.0,
    )
    assert percentile([], 0.99) == 0.0


def test_each_request_counts_in_the_minute_it_was_sent_and_failures_are_errors() -> None:
    samples = [Sample(0.5, 0.1, 200, "/"), Sample(59.9, 0.3, 500, "/x"), Sample(60.0, 0.2, 0, "/")]
    windows = windows_of(samples, seconds=120, window=60)
    assert [(w.requests, w.errors) for w in windows] == [(2, 1), (1, 1)]
    assert windows[0].p99_ms == 300.0


def test_a_steady_run_meets_every_target() -> None:
    samples = [Sample(t / 10, 0.1, 200, "/") for t in range(6000)]
    report = _report(samples, [(0, 1000), (60, 1200), (600, 1250)])
    assert _verdicts(report) == {
        "zero errors": True,
        "p99 steady": True,
        "memory flat: worker": True,
    }


def test_a_slower_last_minute_an_error_and_growing_memory_are_each_not_met() -> None:
    samples = [Sample(t / 10, 0.1 if t < 5400 else 0.2, 200, "/") for t in range(6000)]
    samples.append(Sample(30.0, 0.1, 503, "/labs/meta/"))
    report = _report(samples, [(0, 1000), (60, 1000), (600, 1100)])
    assert _verdicts(report) == {
        "zero errors": False,
        "p99 steady": False,
        "memory flat: worker": False,
    }
    assert "| 0-60 s | 601 | 1 |" in report.markdown()


def test_a_minute_long_run_reports_memory_without_judging_it() -> None:
    samples = [Sample(t / 10, 0.1, 200, "/") for t in range(600)]
    report = _report(samples, [(0, 1000), (15, 1000), (60, 1500)], seconds=60)
    assert _verdicts(report) == {
        "zero errors": True,
        "p99 steady": None,
        "memory flat: worker": None,
    }
