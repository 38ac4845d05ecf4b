"""fetch.post: the same SSRF safety as a GET, for webhooks."""

from __future__ import annotations

from typing import Any

import pytest

from apps.lib.fetch import FetchError, post
from tests.support.httpserver import LocalHTTPServer


@pytest.fixture
def allow_private(settings: Any) -> None:
    settings.FETCH_ALLOW_PRIVATE = True


def test_it_posts_the_body_and_headers_and_returns_the_answer(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/in", status=202, body=b'{"ok": true}', content_type="application/json")
    result = post(
        http_server.url("/in"),
        body=b'{"a": 1}',
        content_type="application/json",
        headers={"X-Test": "yes"},
    )
    assert result.status == 202 and result.body == b'{"ok": true}'
    [request] = http_server.requests
    assert request.method == "POST" and request.body == b'{"a": 1}'
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-test"] == "yes"


def test_it_refuses_a_post_to_loopback_under_the_production_policy(
    http_server: LocalHTTPServer, settings: Any
) -> None:
    settings.FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchError) as caught:
        post(http_server.url("/in"), body=b"x", content_type="text/plain")
    assert caught.value.reason == "address" and caught.value.permanent
    assert http_server.requests == []


def test_it_does_not_follow_a_redirect_with_a_post(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.redirect("/in", http_server.url("/elsewhere"), status=307)
    with pytest.raises(FetchError) as caught:
        post(http_server.url("/in"), body=b"x", content_type="text/plain")
    assert caught.value.reason == "redirects" and caught.value.permanent
    assert http_server.paths == ["/in"]


def test_a_server_error_is_temporary_and_a_client_error_permanent(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/busy", status=503)
    http_server.route("/nope", status=404)
    with pytest.raises(FetchError) as busy:
        post(http_server.url("/busy"), body=b"x", content_type="text/plain")
    with pytest.raises(FetchError) as nope:
        post(http_server.url("/nope"), body=b"x", content_type="text/plain")
    assert not busy.value.permanent and busy.value.status == 503
    assert nope.value.permanent and nope.value.status == 404


def test_it_refuses_urls_the_url_check_refuses(allow_private: None) -> None:
    for url in ("ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x", "http://127.0.0.1:0/"):
        with pytest.raises(FetchError):
            post(url, body=b"x", content_type="text/plain")
