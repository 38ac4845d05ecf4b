"""Importing costs a fixed number of queries per batch, however many records the batch holds."""

from __future__ import annotations

import pytest
from pytest_django import Settings as SettingsWrapper

from apps.datasets.models import ClaimChange, DatasetRecord
from apps.datasets.services import dataset_import
from tests.datasets.helpers import HEADER, capture, serve
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db


def rows(count: int, access: str) -> bytes:
    lines = [f"Model-{n},Lab {n},2024-01-0{1 + n % 9},{n + 1}000,{access},,," for n in range(count)]
    return (HEADER + "\n".join(lines) + "\n").encode()


def queries_to_import_then_change(http_server: LocalHTTPServer, count: int) -> tuple[int, int]:
    first = serve(http_server, f"/{count}-a.csv", rows(count, "API access"))
    second = serve(http_server, f"/{count}-b.csv", rows(count, "Unreleased"))
    with capture() as creating:
        assert dataset_import(dataset="epoch", source=first).created == count
    with capture() as changing:
        assert dataset_import(dataset="epoch", source=second).changed == count
    return len(creating.captured_queries), len(changing.captured_queries)


@pytest.mark.slow
def test_creating_and_changing_records_costs_the_same_queries_for_3_or_60(
    http_server: LocalHTTPServer,
) -> None:
    small = queries_to_import_then_change(http_server, 3)
    ClaimChange.objects.all().delete()
    DatasetRecord.objects.all().delete()
    large = queries_to_import_then_change(http_server, 60)

    assert small == large
    assert ClaimChange.objects.count() == 60


def queries_to_import(http_server: LocalHTTPServer, count: int, access: str) -> int:
    url = serve(http_server, f"/{count}-{access.replace(' ', '-')}.csv", rows(count, access))
    with capture() as queries:
        run = dataset_import(dataset="epoch", source=url)
    assert run.created + run.changed == count
    return len(queries.captured_queries)


@pytest.mark.slow
def test_a_batch_costs_the_same_queries_whether_it_holds_3_rows_or_12(
    http_server: LocalHTTPServer, settings: SettingsWrapper
) -> None:
    counts: dict[tuple[int, int], tuple[int, int]] = {}
    for rows_count, batch_size in [(6, 3), (24, 12), (24, 6), (24, 24)]:
        ClaimChange.objects.all().delete()
        DatasetRecord.objects.all().delete()
        settings.DATASETS_BATCH_SIZE = batch_size
        creating = queries_to_import(http_server, rows_count, "API access")
        changing = queries_to_import(http_server, rows_count, "Unreleased")
        counts[(rows_count, batch_size)] = (creating, changing)

    # Two batches cost the same whether each holds 3 rows or 12.
    assert counts[(6, 3)] == counts[(24, 12)]
    # Each batch adds the same number of queries: 4 batches, 2 batches, 1 batch.
    per_batch = [
        (counts[(24, 6)][n] - counts[(24, 12)][n], counts[(24, 12)][n] - counts[(24, 24)][n])
        for n in (0, 1)
    ]
    for four_minus_two, two_minus_one in per_batch:
        assert four_minus_two == 2 * two_minus_one > 0
