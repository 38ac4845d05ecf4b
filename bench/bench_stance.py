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

The rows are committed (the rebuild reads committed days), so this runs on a database of its own,
created beside DATABASE_URL's and dropped at the end (PostgreSQL only). The 1,000 come from
apps.site.services.timeline_generate; the larger lab is that lab's statements copied in SQL
(on the same 400 dates), since generating 100,000 through the ORM takes minutes.
BENCH_STANCE_SIZES=1000,100000 (comma-separated, the first is the floor).
"""

from __future__ import annotations

import datetime
import itertools
import os
import statistics
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from bench.databases import own_database
from bench.table import Table

ROUNDS = 25
SLOW_ROUNDS = 5
TARGET_RATIO = 3.0


class _Rollback(Exception):
    pass


def _sizes() -> list[int]:
    return [int(s) for s in os.environ.get("BENCH_STANCE_SIZES", "1000,100000").split(",")]


def _lab(size: int) -> int:
    """A lab with ``size`` published statements and its stance history; its id."""
    from apps.claims.models import Statement
    from apps.claims.services import stance_history_recompute
    from apps.site.services import timeline_generate

    base = min(size, 1000)
    lab = timeline_generate(count=base, slug=f"bench-stance-{size}", name=f"Bench {size}").company
    copies, rest = divmod(size - base, base)
    statement = Statement._meta.db_table
    columns = ", ".join(
        str(field.column)
        for field in Statement._meta.concrete_fields
        if field.column not in ("id", "import_key") and not field.generated
    )
    with connection.cursor() as cursor:
        if copies:
            cursor.execute(
                f"INSERT INTO {statement} ({columns}) "  # noqa: S608
                f"SELECT {columns} FROM {statement}, generate_series(1, %s) "
                "WHERE company_id = %s",
                [copies, lab.pk],
            )
        if rest:
            cursor.execute(
                f"INSERT INTO {statement} ({columns}) "  # noqa: S608
                f"SELECT {columns} FROM {statement} WHERE company_id = %s ORDER BY id LIMIT %s",
                [lab.pk, rest],
            )
        cursor.execute("ANALYZE")
    stance_history_recompute(company=lab)  # the copies counted: the stored days rewritten
    return lab.pk


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


def run() -> Table:
    from apps.claims.models import Statement

    sizes = _sizes()
    table = Table(
        title="Stance recompute after one new statement, against the same at "
        f"{sizes[0]:,} statements (floor) (ms)",
        columns=["statements", "case", "median", "p95", "median / floor", "target"],
    )
    if connection.vendor != "postgresql":
        table.notes.append("Skipped: this benchmark needs PostgreSQL (DATABASE_URL).")
        return table
    with own_database("bench_stance"):
        labs = {size: _lab(size) for size in sizes}
        floors: dict[str, float] = {}
        for size in sizes:
            published = Statement.objects.published().filter(company_id=labs[size])
            assert published.count() == size, (size, published.count())
            dates = sorted(set(published.values_list("occurred_on", flat=True)))
            after = dates[-1] + datetime.timedelta(days=1)
            cases: list[tuple[str, Callable[[], float], int, bool]] = [
                ("publish a new statement", _publish(labs[size], after, recompute_only=False),
                 ROUNDS, True),
                ("its recompute alone", _publish(labs[size], after, recompute_only=True),
                 ROUNDS, True),
                ("publish one backdated to mid-record",
                 _publish(labs[size], dates[len(dates) // 2], recompute_only=False),
                 SLOW_ROUNDS, False),
                ("full rebuild (rebuild_stance)", _rebuild(labs[size]), SLOW_ROUNDS, False),
            ]  # fmt: skip
            for name, action, rounds, targeted in cases:
                median, p95 = _timed(action, rounds)
                floors.setdefault(name, median)
                ratio = median / floors[name]
                target = f"<= {TARGET_RATIO:g}x" if targeted and size != sizes[0] else ""
                if target:
                    target += " met" if ratio <= TARGET_RATIO else " NOT met"
                table.add(f"{size:,}", name, median, p95, f"{ratio:.2f}x", target)
    table.notes.append(
        f"{ROUNDS} rounds ({SLOW_ROUNDS} for the backdated publish and the rebuild) after one "
        "warm-up, each rolled back; the new statement is dated the day after the record's last "
        "(400 dates over 1,000 days; the larger lab has 250 statements a date). Scratch "
        "PostgreSQL database, dropped afterwards."
    )
    return table
