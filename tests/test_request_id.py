"""Request ids and structured logs: one id per request, on its response, its log lines and the
log lines of the tasks it enqueued (in a real worker)."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client

from apps.lib.logs import JSONFormatter
from apps.lib.request_id import HEADER, RequestIdFilter, request_id_clean
from config.celery import app as celery_app
from tests.support.smtpserver import SMTPServer
from tests.support.worker import CeleryWorker

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Root-logger lines as production writes them (same filter, same formatter), parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_a_response_carries_back_the_request_id_the_proxy_sent() -> None:
    response = Client().get("/healthz", headers={HEADER: "edge-7f3a.1:req_42"})
    assert response.status_code == 200
    assert response[HEADER] == "edge-7f3a.1:req_42"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent",
    ["", "has space", "a" * 65, "<script>", "-leading-dash", "abc\r\nSet-Cookie: x=1", "ид"],
)
def test_a_malformed_request_id_is_replaced_by_a_fresh_one(sent: str) -> None:
    response = Client().get("/healthz", headers={HEADER: sent})
    assert GENERATED.fullmatch(response[HEADER]), response[HEADER]


@pytest.mark.django_db
def test_each_request_without_an_id_gets_its_own() -> None:
    client = Client()
    first, second = client.get("/healthz")[HEADER], client.get("/healthz")[HEADER]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second


def test_the_well_formed_ids_are_short_runs_of_safe_characters() -> None:
    assert request_id_clean("0f8e2c1d-93a4-4b0e-9d2f-6a1b7c3e5d90") is not None
    assert request_id_clean("a" * 64) == "a" * 64
    assert request_id_clean("a" * 65) is None
    assert request_id_clean(None) is None
    assert request_id_clean(42) is None


@pytest.mark.django_db
def test_the_log_lines_of_a_request_carry_its_id_and_lines_outside_one_a_dash(
    json_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    response = Client().get("/no-such-page/", headers={HEADER: "trace-123"})
    assert response.status_code == 404
    logging.getLogger("tests.outside").warning("between requests")
    lines = json_lines()
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and {line["request_id"] for line in not_found} == {"trace-123"}
    assert "/no-such-page/" in not_found[0]["message"]
    [outside] = [line for line in lines if line["logger"] == "tests.outside"]
    assert outside["request_id"] == "-"


@pytest.mark.django_db
def test_under_asgi_too_the_response_and_the_log_lines_carry_the_id(
    json_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    response = async_to_sync(AsyncClient().get)("/no-such-page/", headers={HEADER: "asgi-1"})
    assert response.status_code == 404
    assert response[HEADER] == "asgi-1"
    not_found = [line for line in json_lines() if line["logger"] == "django.request"]
    assert [line["request_id"] for line in not_found] == ["asgi-1"]


def test_the_json_formatter_writes_one_line_per_record_with_fixed_fields_only() -> None:
    logger = logging.getLogger("tests.json")
    record = logger.makeRecord(
        "tests.json",
        logging.ERROR,
        __file__,
        1,
        "fetch failed for %s:\nsecond line 日本語",
        ("https://example.org/",),
        None,
        extra={"data": {"token": "do-not-log-me"}},
    )
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    RequestIdFilter().filter(record)
    line = JSONFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "fetch failed for https://example.org/:\nsecond line 日本語"
    assert (entry["level"], entry["logger"], entry["request_id"]) == ("ERROR", "tests.json", "-")
    assert "ValueError: boom" in entry["exception"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])
    assert "do-not-log-me" not in line


def _worker_lines(worker: CeleryWorker) -> list[dict[str, Any]]:
    lines = []
    for raw in worker.log().splitlines():
        if raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except ValueError:
                continue
    return lines


def _wait_for_line(
    worker: CeleryWorker, matches: Callable[[dict[str, Any]], bool], what: str
) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [line for line in _worker_lines(worker) if matches(line)]
        if found:
            return found[0]
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{worker.log()[-3000:]}")


@pytest.mark.worker
def test_a_task_enqueued_by_a_request_logs_the_request_s_id_in_the_worker(
    transactional_db: None, settings: Any
) -> None:
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("Worker tests need REDIS_URL (make test sets it).")
    settings.ALERTS_SUBSCRIBE_PER_IP_PER_HOUR = 1000
    celery_app.control.purge()
    smtp = SMTPServer().start()
    worker = CeleryWorker(
        extra_env={**smtp.env(), "SITE_URL": "http://testserver", "LOG_FORMAT": "json"}
    ).start()
    try:
        response = Client().post(
            "/subscribe/",
            {"email": "reader@example.org", "kinds": ["stance_changes"],
             "frequency": "instant", "language": "en"},
            headers={HEADER: "subscribe-req-1"},
        )  # fmt: skip
        assert response.status_code == 200
        assert response[HEADER] == "subscribe-req-1"
        [mail] = smtp.wait_for(1)
        assert mail.to == "reader@example.org"
        done = _wait_for_line(
            worker,
            lambda line: (
                "alerts.confirmation_send" in line["message"] and "succeeded" in line["message"]
            ),
            "the confirmation task's success line",
        )
        assert done["request_id"] == "subscribe-req-1"
        assert done["logger"] == "celery.app.trace"

        # A task that no request enqueued (beat's) logs a dash: nothing leaks from the last one.
        sweep_id = celery_app.send_task("alerts.sweep").id
        swept = _wait_for_line(
            worker,
            lambda line: f"[{sweep_id}]" in line["message"] and "succeeded" in line["message"],
            "the sweep's success line",
        )
        assert swept["request_id"] == "-"
    finally:
        worker.stop()
        smtp.stop()
