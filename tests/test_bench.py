"""The bench's own parts that a wrong figure would hide: the sizes flag, the floor view (served
by the bench's URLconf only, rendering a page's bytes unchanged), the generated data (what
bench/generate.py says it holds, and the lab page answering on it) and a run that names the
module that crashed. No timing here."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from bench.__main__ import main
from bench.floor import floor_write
from bench.generate import drop_sized_databases, parse_sizes, size_label, sized_database


def test_sizes_are_read_with_their_units_sorted_and_without_repeats() -> None:
    assert parse_sizes("1m, 10k,1k,10000") == [1_000, 10_000, 1_000_000]
    assert parse_sizes("") == []
    assert [size_label(s) for s in (1_000, 100_000, 1_000_000, 1_500)] == [
        "1k",
        "100k",
        "1M",
        "1500",
    ]


@pytest.mark.django_db
def test_the_site_has_no_floor_view(client: Client) -> None:
    assert client.get("/bench-floor/anything/").status_code == 404


@pytest.mark.django_db
def test_the_floor_view_answers_the_page_it_was_given_byte_for_byte(
    client: Client, tmp_path: Path
) -> None:
    body = "<p>{{ not_a_variable }} {% if x %}{# kept #}</p>\n日本語 {% endverbatim %}".encode()
    floor_write(tmp_path, "page", body)
    with override_settings(ROOT_URLCONF="bench.urls", BENCH_FLOOR_DIR=str(tmp_path)):
        response = client.get("/bench-floor/page/")
        assert response.status_code == 200
        assert response.content == body
        assert client.get("/ja/bench-floor/page/").status_code == 200
        assert client.get("/bench-floor/missing/").status_code == 404


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_generated_record_holds_what_it_says() -> None:
    from django.db import connection

    from apps.catalog.models import Company
    from apps.claims.models import StanceChange, Statement

    try:
        with sized_database(1_000) as world:
            published = Statement.objects.published()
            assert published.count() == 1_000
            big = Company.objects.get(slug=world.big_lab)
            assert published.filter(company=big).count() == world.big_lab_statements == 100
            assert Company.objects.count() == world.labs
            assert published.filter(quote_language="ja").count() == 250
            assert published.exclude(summary_ja="").count() == 500
            assert not published.filter(citations__isnull=True).exists()
            assert published.filter(ai_models__isnull=False).count() == 500
            assert StanceChange.objects.filter(company=big).exists()
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM alerts_subscriber")
                assert cursor.fetchone()[0] == world.subscribers == 100
                # bench_alerts fans one change of the big lab out to every subscriber.
                cursor.execute(
                    "SELECT count(DISTINCT subscriber_id), count(*) FROM alerts_subscription "
                    "WHERE frequency = 'instant' AND (company_id = %s OR company_id IS NULL)",
                    [big.pk],
                )
                assert cursor.fetchone() == (100, 100)
                cursor.execute("SELECT count(*) FROM datasets_datasetrecord")
                assert cursor.fetchone()[0] == world.dataset_records == 10
            with override_settings(ALLOWED_HOSTS=["*"]):
                page = Client().get(f"/labs/{world.big_lab}/")
            assert page.status_code == 200
            assert "Bench Big Lab" in page.content.decode()
    finally:
        drop_sized_databases()


@pytest.mark.django_db
def test_a_run_names_the_module_that_crashed_and_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["no_such_module", "--no-write", "--keep-data", "--out", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "bench_no_such_module" in out  # in the durations table
    assert "CRASHED" in out
    assert "FAILED: bench_no_such_module" in err
    assert not list(tmp_path.iterdir())
