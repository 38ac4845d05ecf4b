"""What every API answer shares: validators and 304s, CORS, methods, HEAD, and one error body
for every refusal, with the documented schema."""

from __future__ import annotations

import datetime
import time
import uuid

import pytest
from django.test import Client
from django.utils.http import http_date

from apps.api.conditional import first_served
from apps.catalog.models import Company
from tests.api.helpers import API
from tests.factories import company_make, statement_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab_with_statements() -> None:
    lab = company_make(slug="http-lab")
    for n in range(3):
        statement_make(company=lab, publish=True, occurred_on=datetime.date(2025, 1, n + 1))


def test_an_unchanged_answer_is_a_304_by_etag_and_by_last_modified(
    client: Client, lab_with_statements: None
) -> None:
    url = f"{API}/statements?lab=http-lab"
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified
    assert first["Cache-Control"].startswith("public, max-age=")
    # The same answer in every language: shared caches keep one copy.
    assert "Accept-Language" not in first.get("Vary", "")
    ja = client.get(url, headers={"Accept-Language": "ja", "If-None-Match": etag})
    assert ja.status_code == 304

    by_etag = client.get(url, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == etag
    assert by_etag["Access-Control-Allow-Origin"] == "*"
    by_date = client.get(url, headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304
    # Unchanged answers keep their Last-Modified.
    assert client.get(url)["Last-Modified"] == modified


@pytest.mark.slow
def test_a_changed_answer_is_a_200_with_a_new_etag_and_a_later_last_modified(
    client: Client, lab_with_statements: None
) -> None:
    url = f"{API}/statements?lab=http-lab"
    first = client.get(url)
    # Another lab's statement leaves this answer as it was.
    statement_make(company=company_make(slug="other-lab"), publish=True)
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304

    statement_make(company=Company.objects.get(slug="http-lab"), publish=True)
    again = client.get(
        url, headers={"If-None-Match": first["ETag"], "If-Modified-Since": first["Last-Modified"]}
    )
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    # Moved on by at least a second, even within the same second: the old date never matches.
    assert again["Last-Modified"] != first["Last-Modified"]
    only_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert only_date.status_code == 200


def test_if_modified_since_in_the_future_of_an_old_answer_is_a_304(
    client: Client, lab_with_statements: None
) -> None:
    url = f"{API}/labs"
    client.get(url)
    later = http_date(time.time() + 3600)
    assert client.get(url, headers={"If-Modified-Since": later}).status_code == 304


def test_cors_lets_any_origin_read_and_preflight_but_never_write(client: Client) -> None:
    response = client.get(f"{API}/", headers={"Origin": "https://newsroom.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "RateLimit-Remaining" in response["Access-Control-Expose-Headers"]

    preflight = client.options(
        f"{API}/statements",
        headers={
            "Origin": "https://newsroom.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]

    for method in ("post", "put", "patch", "delete"):
        refused = getattr(client, method)(f"{API}/statements")
        assert refused.status_code == 405, method
        assert refused["Allow"] == "GET, HEAD, OPTIONS"
        assert refused.json()["code"] == "method_not_allowed"
    # The site itself sends no CORS header.
    assert "Access-Control-Allow-Origin" not in client.get("/healthz")


def test_head_answers_like_get_without_a_body(client: Client) -> None:
    get_response = client.get(f"{API}/labs")
    head = client.head(f"{API}/labs")
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get_response["ETag"]
    assert head["Content-Length"] == str(len(get_response.content))


@pytest.mark.parametrize(
    ("query", "parameter", "code"),
    [
        ("limit=0", "limit", "invalid_parameter"),
        ("limit=101", "limit", "invalid_parameter"),
        ("limit=ten", "limit", "invalid_parameter"),
        ("stance=opened", "stance", "invalid_parameter"),
        ("kind=rumour", "kind", "invalid_parameter"),
        ("verification=maybe", "verification", "invalid_parameter"),
        ("language=english!", "language", "invalid_parameter"),
        ("since=2025-02-30", "since", "invalid_parameter"),
        ("since=2025-03-01&until=2025-02-01", "until", "invalid_parameter"),
        ("updated_since=2025-01-01T00:00:00", "updated_since", "invalid_parameter"),
        ("updated_since=yesterday", "updated_since", "invalid_parameter"),
        # Numbers are not read as Unix timestamps (schemathesis found updated_since=0.5 taken).
        ("updated_since=0.5", "updated_since", "invalid_parameter"),
        ("since=0", "since", "invalid_parameter"),
        # Past the last instant there is, once its offset is applied.
        ("updated_since=9999-12-31T23:59:00-16:00", "updated_since", "invalid_parameter"),
        ("include_retracted=perhaps", "include_retracted", "invalid_parameter"),
        ("cursor=%21%21", "cursor", "invalid_parameter"),
        ("stanse=open", "stanse", "unknown_parameter"),
        ("stance=open&stance=closed", "stance", "invalid_parameter"),
    ],
)
def test_every_bad_parameter_is_a_400_naming_it(
    client: Client, query: str, parameter: str, code: str
) -> None:
    response = client.get(f"{API}/statements?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == code
    assert body["message"]
    assert parameter in [error["parameter"] for error in body["errors"]]
    assert response["Cache-Control"] == "no-store"


def test_an_offset_postgresql_refuses_is_compared_as_the_same_instant_in_utc(
    client: Client,
) -> None:
    # ISO 8601 allows -16:03; PostgreSQL allows ±15:59 (schemathesis found the 500).
    response = client.get(f"{API}/statements?updated_since=2025-04-18T19:10:01-16:03")
    assert response.status_code == 200, response.content


def test_control_characters_get_the_api_error_not_the_site_page(client: Client) -> None:
    response = client.get(f"{API}/statements?summary=%00")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_text"


def test_unknown_addresses_and_records_are_json_404s(client: Client) -> None:
    for path in (
        "/nothing-here",
        "/labs/no-such-lab",
        "/models/no-such-model",
        "/statements/999999999",
        "/sources/999999999",
        "/labs/no-such-lab/stance-history",
        "/statements/abc",
    ):
        response = client.get(f"{API}{path}")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found", path
    assert client.get("/api/v2/labs").json()["code"] == "not_found"


def test_every_operation_documents_the_error_body(client: Client) -> None:
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["components"]["schemas"]["ErrorBody"]["required"] == ["status", "code", "message"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "404", "429"):
                content = operation["responses"][status]["content"]["application/json"]
                assert content["schema"]["$ref"].endswith("/ErrorBody"), (path, method, status)


def test_the_openapi_document_and_the_docs_are_served(client: Client) -> None:
    document = client.get(f"{API}/openapi.json")
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "Aperture API"
    assert "/api/v1/statements" in document.json()["paths"]
    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_last_modified_moves_on_when_the_answer_changes_even_within_a_second() -> None:
    """HTTP dates have whole seconds: an answer that changes in the second it was first served
    gets the next second, and one that changes back is new again, so If-Modified-Since never
    matches an answer the client has not seen."""
    url = f"/api/v1/statements?test={uuid.uuid4()}"
    now = 1_750_000_000.25
    first = first_served(url=url, etag='"a"', now=now)
    assert first == 1_750_000_000
    assert first_served(url=url, etag='"a"', now=now + 30) == first  # unchanged: kept
    changed = first_served(url=url, etag='"b"', now=now + 0.5)  # same second
    assert changed == first + 1
    back = first_served(url=url, etag='"a"', now=now + 60)
    assert back == 1_750_000_060
