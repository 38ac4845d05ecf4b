"""Stance recompute after publishing one new statement, in a lab of 1,000 and of 100,000.

The floor is the same publish in the lab of 1,000; the target (issue 16) is 100,000 within 3x
of it: the recompute resumes from the sums stored for the day before the new statement
(apps/claims/recompute.py), so it reads what is dated from that day on, not the lab's history.
Each round publishes a new draft (dated the day after the record's last date, with a source)
through services.statement_publish, timed whole (what an editor waits for: the state change,
the recompute, the StanceChange rows, the alerts outbox), and the recompute alone; the round
is then rolled back, so every round publishes onto the same record. For contrast, also timed:
a statement backdated to the middle of the record (the recompute reads what follows it) and a
full rebuild (manage.py rebuild_stance; what every publish cost before).

The lab is the big lab of the run's generated databases (bench/generate.py): it holds a tenth
of the record, so 1,000 statements at 10k and 100,000 at 1M; the rows are committed (the
rebuild reads committed days) and every round is rolled back, so the database is as generated
afterwards. The 1M size runs when it is in the run's --sizes, with the 10k one for its floor.
"""

from __future__ import annotations

import datetime
import itertools
import statistics
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from bench.generate import selected_sizes, size_label, sized_database
from bench.table import Table

#: The generated databases whose big lab holds 1,000 and 100,000 statements.
SIZES = (10_000, 1_000_000)
ROUNDS = 25
SLOW_ROUNDS = 5
TARGET_RATIO = 3.0


class _Rollback(Exception):
    pass


def _timed(action: Callable[[], float], rounds: int) -> tuple[float, float]:
    """Median and p95 (ms) of ``action`` (which times what it measures, past its set-up), each
    round in a transaction rolled back."""
    times: list[float] = []
    for _ in range(rounds + 1):  # the first warms caches
        try:
            with transaction.atomic():
                times.append(action())
                raise _Rollback
        except _Rollback:
            pass
    times = sorted(times[1:])
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def _publish(lab_id: int, on: datetime.date, *, recompute_only: bool) -> Callable[[], float]:
    from apps.catalog.models import Company
    from apps.catalog.services import source_create
    from apps.claims import services
    from apps.claims.models import Statement

    lab = Company.objects.get(pk=lab_id)
    numbers = itertools.count()

    def action() -> float:
        source, _ = source_create(
            url=f"https://bench-stance.example/{next(numbers)}", title="Bench story"
        )
        draft = services.statement_create(
            user=None,
            company=lab,
            kind="official",
            stance="closed",
            occurred_on=on,
            summary="Bench statement",
            speaker_label="Spokesperson",
            citations=[(source, "")],
        )
        start = time.perf_counter()
        if recompute_only:
            Statement.objects.filter(pk=draft.pk).update(
                state="published", published_at=timezone.now()
            )
            start = time.perf_counter()
            services.stance_history_recompute(company=lab, since=on)
        else:
            services.statement_publish(statement=draft, user=None)
        return (time.perf_counter() - start) * 1000

    return action


def _rebuild(lab_id: int) -> Callable[[], float]:
    from apps.catalog.models import Company
    from apps.claims.services import stance_history_recompute

    lab = Company.objects.get(pk=lab_id)

    def action() -> float:
        start = time.perf_counter()
        stance_history_recompute(company=lab)
        return (time.perf_counter() - start) * 1000

    return action


def _sizes() -> list[int]:
    """The run's sizes among SIZES, with the first (the floor) whenever another is run."""
    sizes = [size for size in SIZES if size in selected_sizes()]
    return [SIZES[0], *sizes] if sizes and sizes[0] != SIZES[0] else sizes


def run() -> Table:
    from apps.catalog.models import Company
    from apps.claims.models import Statement

    sizes = _sizes()
    table = Table(
        title="Stance recompute after one new statement, against the same at "
        f"{SIZES[0] // 10:,} statements (floor) (ms)",
        columns=["statements", "case", "median", "p95", "median / floor", "target"],
    )
    if connection.vendor != "postgresql":
        table.notes.append("Skipped: this benchmark needs PostgreSQL (DATABASE_URL).")
        return table
    floors: dict[str, float] = {}
    for size in sizes:
        with sized_database(size) as world:
            lab_id = Company.objects.get(slug=world.big_lab).pk
            published = Statement.objects.published().filter(company_id=lab_id)
            assert published.count() == world.big_lab_statements, (size, published.count())
            dates = sorted(set(published.values_list("occurred_on", flat=True)))
            after = dates[-1] + datetime.timedelta(days=1)
            cases: list[tuple[str, Callable[[], float], int, bool]] = [
                ("publish a new statement", _publish(lab_id, after, recompute_only=False),
                 ROUNDS, True),
                ("its recompute alone", _publish(lab_id, after, recompute_only=True),
                 ROUNDS, True),
                ("publish one backdated to mid-record",
                 _publish(lab_id, dates[len(dates) // 2], recompute_only=False),
                 SLOW_ROUNDS, False),
                ("full rebuild (rebuild_stance)", _rebuild(lab_id), SLOW_ROUNDS, False),
            ]  # fmt: skip
            for name, action, rounds, targeted in cases:
                median, p95 = _timed(action, rounds)
                floors.setdefault(name, median)
                ratio = median / floors[name]
                target = f"<= {TARGET_RATIO:g}x" if targeted and size != sizes[0] else ""
                if target:
                    target += " met" if ratio <= TARGET_RATIO else " NOT met"
                label = f"{world.big_lab_statements:,} (of {size_label(size)})"
                table.add(label, name, median, p95, f"{ratio:.2f}x", target)
    skipped = [size_label(size) for size in SIZES if size not in sizes]
    if skipped:
        table.notes.append(f"Skipped {', '.join(skipped)}: not in this run's --sizes.")
    elif sizes[0] not in selected_sizes():
        table.notes.append(f"{size_label(sizes[0])} run for the floor, though not in --sizes.")
    table.notes.append(
        f"{ROUNDS} rounds ({SLOW_ROUNDS} for the backdated publish and the rebuild) after one "
        "warm-up, each rolled back; the lab is the generated big lab (a tenth of the record, "
        "over 1,000 days: 100 statements a day at 1M); the new statement is dated the day after "
        "its last."
    )
    return table
