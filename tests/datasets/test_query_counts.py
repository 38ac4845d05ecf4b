"""Importing costs a fixed number of queries per batch, however many records the batch holds."""

from __future__ import annotations

import pytest

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


def test_creating_and_changing_records_costs_the_same_queries_for_3_or_60(
    http_server: LocalHTTPServer,
) -> None:
    small = queries_to_import_then_change(http_server, 3)
    ClaimChange.objects.all().delete()
    DatasetRecord.objects.all().delete()
    large = queries_to_import_then_change(http_server, 60)

    assert small == large
    assert ClaimChange.objects.count() == 60
