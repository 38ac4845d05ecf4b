"""The SSRF-safe fetch client.

Network rule for this file: traffic goes to loopback only. Public and private non-loopback
addresses appear only as *values* given to the policy functions, or as fake DNS answers that the
client must refuse before connecting; the tests are arranged so that even a broken client would
connect to loopback, never elsewhere.
"""

from __future__ import annotations

import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_django import Settings as SettingsWrapper

from apps.lib import fetch as fetch_module
from apps.lib.fetch import (
    FetchError,
    IPAddress,
    address_is_allowed,
    address_is_public,
    contacted_host,
    fetch,
    redact_url,
    resolve_host,
    url_check,
)
from apps.lib.fetch import transport as fetch_transport
from tests.support.httpserver import LocalHTTPServer, RecordedRequest, Response

ip = ipaddress.ip_address


@pytest.fixture
def allow_private(settings: SettingsWrapper) -> None:
    settings.FETCH_ALLOW_PRIVATE = True


@pytest.fixture
def deny_private(settings: SettingsWrapper) -> None:
    settings.FETCH_ALLOW_PRIVATE = False


def only(*allowed: str) -> fetch_module.AddressPolicy:
    """A policy that allows exactly the given addresses."""
    addresses = {ip(address) for address in allowed}
    return lambda address: address in addresses


def closed_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fake_getaddrinfo(answers: dict[str, list[str]]) -> Any:
    """A getaddrinfo that answers for the given names and defers to the real one otherwise."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (address, port, 0, 0) if ":" in address else (address, port),
                )
                for address in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    return getaddrinfo


# --------------------------------------------------------------------------------------------
# The address policy, as values (nothing here opens a connection)
# --------------------------------------------------------------------------------------------

REFUSED = [
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "127.0.0.1",
    "127.255.255.254",
    "0.0.0.0",  # noqa: S104 (a value for the policy, nothing binds it)
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.0.8",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.1",
    "203.0.113.1",
    "192.88.99.1",
    "::",
    "::1",
    "fd00::1",
    "fc00::1",
    "fe80::1",
    "fe80::1%1",
    "fec0::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:8.8.8.8",
    "::127.0.0.1",
    "64:ff9b::a00:1",
    "64:ff9b::808:808",
    "64:ff9b:1::a00:1",
    "2002:a00:1::1",
    "2002:7f00:1::1",
    "2002:808:808::1",  # 6to4 is refused whatever it embeds
    "2001::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001:db8::1",
    "3fff::1",
    "100::1",
    "5f00::1",
]
ALLOWED = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700::1111", "2a00:1450:4001:81c::200e"]


@pytest.mark.parametrize("address", REFUSED)
def test_it_judges_a_non_public_address_not_public(address: str) -> None:
    assert not address_is_public(ip(address))
    assert not address_is_allowed(ip(address), allow_private=False)


@pytest.mark.parametrize("address", ALLOWED)
def test_it_judges_a_globally_routable_address_public(address: str) -> None:
    assert address_is_public(ip(address))
    assert address_is_allowed(ip(address), allow_private=False)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.0.0.2", "10.0.0.1", "192.168.1.1", "172.16.0.1", "::1", "fd00::1",
     "fe80::1", "::ffff:127.0.0.1", "100.64.0.1"],
)  # fmt: skip
def test_allowing_private_addresses_admits_loopback_and_lan_addresses(address: str) -> None:
    assert address_is_allowed(ip(address), allow_private=True)


@pytest.mark.parametrize(
    "address",
    ["0.0.0.0", "0.1.2.3", "::", "224.0.0.1", "ff02::1", "255.255.255.255"],  # noqa: S104
)
def test_allowing_private_addresses_still_refuses_multicast_broadcast_and_unspecified(
    address: str,
) -> None:
    assert not address_is_allowed(ip(address), allow_private=True)


def test_the_settings_policy_follows_fetch_allow_private(settings: SettingsWrapper) -> None:
    settings.FETCH_ALLOW_PRIVATE = False
    assert not fetch_module.settings_address_policy(ip("127.0.0.1"))
    settings.FETCH_ALLOW_PRIVATE = True
    assert fetch_module.settings_address_policy(ip("127.0.0.1"))


def test_resolving_refuses_a_name_if_any_of_its_addresses_is_refused(
    monkeypatch: pytest.MonkeyPatch, deny_private: None
) -> None:
    monkeypatch.setattr(
        socket, "getaddrinfo", fake_getaddrinfo({"mixed.test": ["8.8.8.8", "10.0.0.1"]})
    )
    with pytest.raises(FetchError) as caught:
        resolve_host("mixed.test", 80, fetch_module.settings_address_policy)
    assert caught.value.reason == "address"
    assert caught.value.permanent


def test_resolving_returns_the_first_address_when_all_are_allowed(
    monkeypatch: pytest.MonkeyPatch, deny_private: None
) -> None:
    monkeypatch.setattr(
        socket, "getaddrinfo", fake_getaddrinfo({"public.test": ["8.8.8.8", "1.1.1.1"]})
    )
    assert resolve_host("public.test", 80, fetch_module.settings_address_policy) == ip("8.8.8.8")


def test_a_name_that_does_not_resolve_is_a_temporary_dns_error() -> None:
    with pytest.raises(FetchError) as caught:
        resolve_host("no-such-host.invalid", 80, only("127.0.0.1"))
    assert caught.value.reason == "dns"
    assert not caught.value.permanent


# --------------------------------------------------------------------------------------------
# URL checks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/", "file:///etc/passwd", "javascript:alert(1)", "data:text/html,<p>hi",
     "gopher://127.0.0.1:70/", "//127.0.0.1/", "127.0.0.1/page"],
)  # fmt: skip
def test_it_refuses_a_scheme_other_than_http_and_https(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        url_check(url)
    assert caught.value.reason == "scheme"
    assert caught.value.permanent


@pytest.mark.parametrize(
    "url", ["http://user:pass@127.0.0.1/", "http://user@127.0.0.1/", "http://@127.0.0.1/"]
)
def test_it_refuses_a_url_with_credentials(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        url_check(url)
    assert caught.value.reason == "credentials"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:0/", "http://127.0.0.1:65536/", "http://127.0.0.1:http/"]
)
def test_it_refuses_a_port_outside_1_to_65535(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        url_check(url)
    assert caught.value.reason == "port"


@pytest.mark.parametrize(
    "url",
    ["http:///path", "http://", "http://lab.example\\@127.0.0.1/", "http://lab .example/",
     "http://lab.example/\npath"],
)  # fmt: skip
def test_it_refuses_a_url_without_host_or_with_ambiguous_characters(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        url_check(url)
    assert caught.value.reason == "url"


def test_it_accepts_an_ordinary_https_url() -> None:
    assert url_check("HTTPS://Lab.example:8443/a?b=c").scheme == "https"


def test_a_backslash_is_refused_as_making_the_host_ambiguous() -> None:
    with pytest.raises(FetchError) as caught:
        url_check("http://127.0.0.1:8299\\@lab.example/")
    assert caught.value.reason == "url"
    assert "backslash" in str(caught.value) and "ambiguous" in str(caught.value)


@pytest.mark.parametrize(
    "url", ["http://127%2e0%2e0%2e1/", "http://lab%2eexample/", "http://[fe80::1%25eth0]/"]
)
def test_a_host_that_urllib3_would_read_differently_is_refused(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        url_check(url)
    assert caught.value.reason == "url"
    assert "ambiguous" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "host"),
    [("http://lab.example/a", "lab.example"), ("https://Lab.Example:8443/", "lab.example:8443"),
     ("http://127.0.0.1:8299\\@lab.example/", "127.0.0.1:8299"),
     ("http://[::1]:8080/", "[::1]:8080"), ("http://u:p@127.0.0.1/", "127.0.0.1"),
     ("http://127%2e0%2e0%2e1/", "127.0.0.1"), ("not a url at all", "")],
)  # fmt: skip
def test_contacted_host_is_the_host_urllib3_connects_to(url: str, host: str) -> None:
    assert contacted_host(url) == host


@pytest.mark.parametrize(
    ("url", "shown"),
    [("http://127.0.0.1:8299\\@lab.example/", "http://127.0.0.1:8299/%5C@lab.example/"),
     ("http://alice:hunter2@127.0.0.1/x", "http://***@127.0.0.1/x"),
     ("http://alice:hunter2\\@lab.example/", "<unparseable URL>"),
     ("http://lab.example/a?b=c", "http://lab.example/a?b=c")],
)  # fmt: skip
def test_a_redacted_url_shows_the_host_that_would_be_contacted_and_no_password(
    url: str, shown: str
) -> None:
    assert redact_url(url) == shown


# --------------------------------------------------------------------------------------------
# End to end refusals with FETCH_ALLOW_PRIVATE off: nothing may reach the server
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "2130706433", "0x7f000001", "127.1", "0177.0.0.1", "localhost"]
)
def test_it_refuses_every_spelling_of_loopback_without_sending_a_request(
    http_server: LocalHTTPServer, deny_private: None, host: str
) -> None:
    http_server.route("/", body=b"secret")
    with pytest.raises(FetchError) as caught:
        fetch(f"http://{host}:{http_server.port}/")
    assert caught.value.reason == "address"
    assert caught.value.permanent
    assert http_server.requests == []


def test_a_refused_address_is_not_shown_to_the_editor_but_is_logged(
    http_server: LocalHTTPServer, deny_private: None, caplog: pytest.LogCaptureFixture
) -> None:
    """Shown to an editor, the address would map internal service names to private addresses."""
    with caplog.at_level("WARNING", logger="apps.lib.fetch"), pytest.raises(FetchError) as caught:
        fetch(f"http://localhost:{http_server.port}/", check_robots=False)
    assert caught.value.reason == "address"
    assert str(caught.value) == "“localhost” is not a public address and may not be fetched."
    assert "127.0.0.1" not in str(caught.value) + repr(caught.value)
    logged = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("localhost" in line and "127.0.0.1" in line for line in logged)
    assert http_server.requests == []


def test_a_peer_refused_after_connecting_is_not_shown_to_the_editor_but_is_logged(
    http_server: LocalHTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    judged: list[IPAddress] = []

    def allow_only_the_first_time(address: IPAddress) -> bool:
        judged.append(address)
        return len(judged) == 1

    with caplog.at_level("WARNING", logger="apps.lib.fetch"), pytest.raises(FetchError) as caught:
        fetch(http_server.url("/"), check_robots=False, address_policy=allow_only_the_first_time)
    assert caught.value.reason == "address"
    assert "127.0.0.1" not in str(caught.value)
    assert any("127.0.0.1" in r.getMessage() for r in caplog.records)


def test_it_refuses_the_ipv6_loopback_without_sending_a_request(
    http_server_ipv6: LocalHTTPServer, deny_private: None
) -> None:
    http_server_ipv6.route("/", body=b"secret")
    with pytest.raises(FetchError) as caught:
        fetch(http_server_ipv6.url("/"))
    assert caught.value.reason == "address"
    assert http_server_ipv6.requests == []


# --------------------------------------------------------------------------------------------
# Ordinary fetching (FETCH_ALLOW_PRIVATE on, so the loopback test server is reachable)
# --------------------------------------------------------------------------------------------


def test_it_fetches_a_page_and_describes_the_response(
    http_server: LocalHTTPServer, allow_private: None, settings: SettingsWrapper
) -> None:
    http_server.route(
        "/page",
        body=b"<p>open weights</p>",
        content_type="text/html; charset=ISO-8859-1",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"},
    )
    result = fetch(http_server.url("/page"))
    assert result.status == 200
    assert result.body == b"<p>open weights</p>"
    assert result.content_type == "text/html"
    assert result.charset == "iso-8859-1"
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert result.headers["content-type"] == "text/html; charset=ISO-8859-1"
    assert result.requested_url == result.final_url == http_server.url("/page")
    assert not result.not_modified
    assert result.elapsed_seconds >= 0
    page_request = http_server.requests[-1]
    assert page_request.path == "/page"
    assert page_request.headers["user-agent"] == settings.FETCH_USER_AGENT
    assert page_request.headers["host"] == f"127.0.0.1:{http_server.port}"
    assert "if-none-match" not in page_request.headers


def test_it_sends_conditional_headers_and_reports_not_modified_on_304(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    def conditional(request: RecordedRequest) -> Response:
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304, {"ETag": '"v1"'})
        return Response(200, {"Content-Type": "text/html", "ETag": '"v1"'}, b"<p>page</p>")

    http_server.handle("/page", conditional)
    result = fetch(
        http_server.url("/page"), etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT"
    )
    assert result.not_modified
    assert result.status == 304
    assert result.body == b""
    sent = http_server.requests[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Wed, 01 Jan 2025 00:00:00 GMT"


def test_a_numeric_host_reaches_loopback_when_private_addresses_are_allowed(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/", body=b"ok")
    result = fetch(f"http://2130706433:{http_server.port}/", check_robots=False)
    assert result.body == b"ok"
    assert http_server.requests[0].headers["host"] == f"2130706433:{http_server.port}"


def test_it_accepts_wildcard_content_types(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/notes.txt", body=b"plain", content_type="text/plain")
    assert fetch(http_server.url("/notes.txt"), accept=["text/*"]).body == b"plain"


def test_it_refuses_a_content_type_not_accepted(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/logo.png", body=b"\x89PNG", content_type="image/png")
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/logo.png"))
    assert caught.value.reason == "content_type"
    assert caught.value.permanent


def test_it_refuses_a_page_with_no_content_type(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/blob", body=b"??", content_type=None)
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/blob"))
    assert caught.value.reason == "content_type"


def test_it_serves_files_from_a_directory(
    http_server: LocalHTTPServer, allow_private: None, tmp_path: Any
) -> None:
    (tmp_path / "feed.xml").write_bytes(b"<rss/>")
    http_server.serve_directory(tmp_path)
    result = fetch(http_server.url("/feed.xml"))
    assert result.body == b"<rss/>"
    assert result.content_type in {"application/xml", "text/xml"}


# --------------------------------------------------------------------------------------------
# Size limits
# --------------------------------------------------------------------------------------------


def test_it_stops_reading_a_body_larger_than_max_bytes(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    total = 50 * 1024 * 1024
    chunk = b"x" * (64 * 1024)
    sent = [0]
    finished = threading.Event()

    def endless(request: RecordedRequest) -> Response:
        def chunks() -> Iterator[bytes]:
            try:
                while sent[0] < total:
                    sent[0] += len(chunk)
                    yield chunk
            finally:
                finished.set()

        return Response(200, {"Content-Type": "text/html"}, chunks())

    http_server.handle("/huge", endless)
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/huge"), max_bytes=1024 * 1024)
    assert caught.value.reason == "too_large"
    assert caught.value.permanent
    assert finished.wait(10), "the server kept sending after the client gave up"
    assert sent[0] < total // 2


def test_it_refuses_a_content_length_over_the_limit_before_reading(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/big", body=b"x" * 5000)
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/big"), max_bytes=1000)
    assert caught.value.reason == "too_large"


def test_the_default_limit_is_fetch_max_bytes(
    http_server: LocalHTTPServer, allow_private: None, settings: SettingsWrapper
) -> None:
    settings.FETCH_MAX_BYTES = 100
    http_server.route("/big", body=b"x" * 101)
    http_server.route("/fits", body=b"x" * 100)
    assert len(fetch(http_server.url("/fits")).body) == 100
    with pytest.raises(FetchError):
        fetch(http_server.url("/big"))


def test_it_counts_decompressed_bytes_so_a_gzip_bomb_is_refused(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    assert len(bomb) < 100_000
    http_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/bomb"), max_bytes=1024 * 1024)
    assert caught.value.reason == "too_large"


def test_it_decodes_a_gzipped_page(http_server: LocalHTTPServer, allow_private: None) -> None:
    http_server.route("/z", body=gzip.compress(b"<p>hi</p>"), headers={"Content-Encoding": "gzip"})
    assert fetch(http_server.url("/z")).body == b"<p>hi</p>"


# --------------------------------------------------------------------------------------------
# Redirects
# --------------------------------------------------------------------------------------------


def test_it_follows_an_allowed_redirect_chain_to_the_final_url(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.redirect("/start", "/middle", status=301)
    http_server.redirect("/middle", http_server.url("/end#fragment"), status=307)
    http_server.route("/end", body=b"arrived")
    result = fetch(http_server.url("/start"))
    assert result.body == b"arrived"
    assert result.requested_url == http_server.url("/start")
    assert result.final_url == http_server.url("/end")
    assert [p for p in http_server.paths if p != "/robots.txt"] == ["/start", "/middle", "/end"]


def test_it_refuses_a_redirect_loop(http_server: LocalHTTPServer, allow_private: None) -> None:
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/a"))
    assert caught.value.reason == "redirects"
    assert caught.value.permanent
    assert http_server.paths.count("/a") == 1


def test_it_refuses_a_page_that_redirects_to_itself(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.redirect("/self", "/self")
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/self"))
    assert caught.value.reason == "redirects"


def test_it_follows_exactly_fetch_max_redirects_and_refuses_one_more(
    http_server: LocalHTTPServer, allow_private: None, settings: SettingsWrapper
) -> None:
    settings.FETCH_MAX_REDIRECTS = 3
    for hop in range(4):
        http_server.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    http_server.route("/hop4", body=b"end")
    assert fetch(http_server.url("/hop1")).final_url == http_server.url("/hop4")
    http_server.clear()
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/hop0"))
    assert caught.value.reason == "redirects"
    assert "/hop4" not in http_server.paths


@pytest.mark.parametrize(
    ("location", "reason"),
    [("ftp://127.0.0.1/file", "scheme"), ("file:///etc/passwd", "scheme"),
     ("javascript:alert(1)", "scheme"), ("http://user:s3cr3t@127.0.0.1:{port}/in", "credentials")],
)  # fmt: skip
def test_it_rechecks_scheme_and_credentials_on_every_redirect_hop(
    http_server: LocalHTTPServer, allow_private: None, location: str, reason: str
) -> None:
    http_server.redirect("/go", location.format(port=http_server.port))
    http_server.route("/in", body=b"secret")
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/go"))
    assert caught.value.reason == reason
    assert "/in" not in http_server.paths
    assert "s3cr3t" not in str(caught.value) + repr(caught.value) + (caught.value.url or "")


def test_it_refuses_a_redirect_to_a_loopback_address_the_policy_does_not_allow(
    http_server: LocalHTTPServer,
) -> None:
    try:
        other = LocalHTTPServer("127.0.0.2").start()
    except OSError:
        pytest.skip("this machine cannot bind 127.0.0.2")
    try:
        other.route("/inside", body=b"secret")
        http_server.redirect("/go", other.url("/inside"))
        with pytest.raises(FetchError) as caught:
            fetch(http_server.url("/go"), address_policy=only("127.0.0.1"))
        assert caught.value.reason == "address"
        assert caught.value.permanent
        assert other.requests == []
        assert "/go" in http_server.paths
    finally:
        other.stop()


def test_it_refuses_a_redirect_to_the_ipv6_loopback_the_policy_does_not_allow(
    http_server: LocalHTTPServer, http_server_ipv6: LocalHTTPServer
) -> None:
    http_server_ipv6.route("/inside", body=b"secret")
    http_server.redirect("/go", http_server_ipv6.url("/inside"))
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/go"), address_policy=only("127.0.0.1"))
    assert caught.value.reason == "address"
    assert http_server_ipv6.requests == []


# --------------------------------------------------------------------------------------------
# Pinning and the connection-time check
# --------------------------------------------------------------------------------------------


def test_it_connects_to_the_address_it_checked_without_resolving_the_name_again(
    http_server: LocalHTTPServer, allow_private: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            lookups.append(host)
            if len(lookups) > 1:  # a second answer would be the attacker's: make it fail
                raise socket.gaierror(socket.EAI_NONAME, "second lookup")
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    http_server.route("/", body=b"pinned")
    result = fetch(f"http://rebind.test:{http_server.port}/", check_robots=False)
    assert result.body == b"pinned"
    assert lookups == ["rebind.test"]
    assert http_server.requests[0].headers["host"] == f"rebind.test:{http_server.port}"


def test_it_refuses_a_name_when_one_of_its_addresses_is_not_allowed(
    http_server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        socket, "getaddrinfo", fake_getaddrinfo({"mixed.test": ["127.0.0.1", "127.0.0.2"]})
    )
    with pytest.raises(FetchError) as caught:
        fetch(f"http://mixed.test:{http_server.port}/", address_policy=only("127.0.0.1"))
    assert caught.value.reason == "address"
    assert http_server.requests == []


def test_it_checks_the_peer_address_again_after_connecting(
    http_server: LocalHTTPServer,
) -> None:
    judged: list[IPAddress] = []

    def allow_only_the_first_time(address: IPAddress) -> bool:
        judged.append(address)
        return len(judged) == 1

    http_server.route("/", body=b"secret")
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/"), check_robots=False, address_policy=allow_only_the_first_time)
    assert caught.value.reason == "address"
    assert judged == [ip("127.0.0.1"), ip("127.0.0.1")]
    assert http_server.requests == []


# --------------------------------------------------------------------------------------------
# robots.txt
# --------------------------------------------------------------------------------------------


def test_it_respects_a_robots_txt_disallow(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route(
        "/robots.txt", body=b"User-agent: *\nDisallow: /private\n", content_type="text/plain"
    )
    http_server.route("/private/page", body=b"secret")
    http_server.route("/public", body=b"hello")
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/private/page"))
    assert caught.value.reason == "robots"
    assert caught.value.permanent
    assert fetch(http_server.url("/public")).body == b"hello"
    assert http_server.paths == ["/robots.txt", "/public"]


def test_it_obeys_rules_addressed_to_its_own_user_agent(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route(
        "/robots.txt",
        body=b"User-agent: OtherBot\nDisallow:\n\nUser-agent: ApertureBot\nDisallow: /\n",
        content_type="text/plain",
    )
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/anything"))
    assert caught.value.reason == "robots"


def test_it_checks_robots_txt_for_redirect_targets_too(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/robots.txt", body=b"User-agent: *\nDisallow: /private\n")
    http_server.redirect("/go", "/private")
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/go"))
    assert caught.value.reason == "robots"
    assert "/private" not in http_server.paths


def test_a_missing_robots_txt_allows_everything(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/page", body=b"hello")
    assert fetch(http_server.url("/page")).body == b"hello"
    assert http_server.paths == ["/robots.txt", "/page"]


@pytest.mark.parametrize("status", [403, 410, 500, 503])
def test_a_robots_txt_error_allows_everything(
    http_server: LocalHTTPServer, allow_private: None, status: int
) -> None:
    http_server.route("/robots.txt", status=status, body=b"User-agent: *\nDisallow: /\n")
    http_server.route("/page", body=b"hello")
    assert fetch(http_server.url("/page")).body == b"hello"


def test_robots_txt_is_fetched_once_per_origin_and_cached(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/robots.txt", body=b"User-agent: *\nDisallow: /private\n")
    http_server.route("/one", body=b"1")
    http_server.route("/two", body=b"2")
    fetch(http_server.url("/one"))
    fetch(http_server.url("/two"))
    assert http_server.paths == ["/robots.txt", "/one", "/two"]


def test_robots_txt_can_be_skipped(http_server: LocalHTTPServer, allow_private: None) -> None:
    http_server.route("/robots.txt", body=b"User-agent: *\nDisallow: /\n")
    http_server.route("/page", body=b"hello")
    assert fetch(http_server.url("/page"), check_robots=False).body == b"hello"
    assert http_server.paths == ["/page"]


# --------------------------------------------------------------------------------------------
# Errors: permanent or temporary
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "permanent"), [(404, True), (410, True), (403, True), (429, False),
                              (500, False), (503, False)],
)  # fmt: skip
def test_http_errors_say_whether_retrying_can_help(
    http_server: LocalHTTPServer, allow_private: None, status: int, permanent: bool
) -> None:
    http_server.route("/page", status=status, body=b"error")
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/page"))
    assert caught.value.reason == "http_status"
    assert caught.value.status == status
    assert caught.value.permanent is permanent


def test_a_closed_loopback_port_is_a_temporary_connection_error(allow_private: None) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(f"http://127.0.0.1:{closed_loopback_port()}/")
    assert caught.value.reason == "connection"
    assert not caught.value.permanent


@pytest.mark.slow
def test_a_server_that_does_not_answer_in_time_is_a_temporary_timeout(
    http_server: LocalHTTPServer, allow_private: None, settings: SettingsWrapper
) -> None:
    settings.FETCH_TIMEOUT_SECONDS = 0.3
    http_server.route("/slow", body=b"late", delay=1.5)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(http_server.url("/slow"), check_robots=False)
    assert caught.value.reason == "timeout"
    assert not caught.value.permanent
    assert time.monotonic() - started < 1.5


def _drip(total: int, every: float, stop: threading.Event) -> Iterator[bytes]:
    """One byte every ``every`` seconds, so each read waits on a body that never fills a chunk."""
    for _ in range(total):
        if stop.wait(every):
            return
        yield b"x"


@pytest.mark.slow
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_dripped_one_byte_at_a_time_is_cut_off_at_the_total_deadline(
    http_server: LocalHTTPServer, allow_private: None, settings: SettingsWrapper, framing: str
) -> None:
    settings.FETCH_TIMEOUT_SECONDS = 1
    settings.FETCH_TOTAL_TIMEOUT_SECONDS = 1
    total, every = 40, 0.3  # 12 s of body, each byte well inside the read timeout
    stop = threading.Event()
    headers = {"Content-Length": str(total)} if framing == "content-length" else {}
    http_server.handle(
        "/drip",
        lambda request: Response(
            200, {"Content-Type": "text/html", **headers}, _drip(total, every, stop)
        ),
    )
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as caught:
            fetch(http_server.url("/drip"), check_robots=False)
    finally:
        stop.set()
    # A correctness bound (the deadline is 1 s, the body would take 12 s), not a speed target.
    assert time.monotonic() - started < 5
    assert caught.value.reason == "timeout"
    assert not caught.value.permanent


@pytest.mark.slow
def test_a_body_that_stalls_is_cut_off_at_the_total_deadline_not_the_read_timeout(
    http_server: LocalHTTPServer, allow_private: None, settings: SettingsWrapper
) -> None:
    settings.FETCH_TIMEOUT_SECONDS = 10
    settings.FETCH_TOTAL_TIMEOUT_SECONDS = 1
    stop = threading.Event()

    def stalling() -> Iterator[bytes]:
        yield b"x"
        stop.wait(8)  # silent for less than the read timeout, far past the deadline
        yield b"y"

    http_server.handle(
        "/stall",
        lambda request: Response(
            200, {"Content-Type": "text/html", "Content-Length": "2"}, stalling()
        ),
    )
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as caught:
            fetch(http_server.url("/stall"), check_robots=False)
    finally:
        stop.set()
    assert time.monotonic() - started < 5
    assert caught.value.reason == "timeout"
    assert not caught.value.permanent


@pytest.mark.slow
def test_a_dripped_body_that_ends_before_the_deadline_is_read_whole(
    http_server: LocalHTTPServer, allow_private: None, settings: SettingsWrapper
) -> None:
    settings.FETCH_TIMEOUT_SECONDS = 2
    settings.FETCH_TOTAL_TIMEOUT_SECONDS = 5
    stop = threading.Event()
    http_server.handle(
        "/drip",
        lambda request: Response(
            200, {"Content-Type": "text/html", "Content-Length": "5"}, _drip(5, 0.05, stop)
        ),
    )
    assert fetch(http_server.url("/drip"), check_robots=False).body == b"xxxxx"


def test_errors_never_show_credentials() -> None:
    with pytest.raises(FetchError) as caught:
        fetch("http://alice:hunter2@127.0.0.1:9/")
    assert "hunter2" not in str(caught.value)
    assert "hunter2" not in repr(caught.value)
    assert "hunter2" not in (caught.value.url or "")


# --------------------------------------------------------------------------------------------
# https: the pinned IP must not weaken the certificate check
# --------------------------------------------------------------------------------------------


@pytest.fixture
def https_server(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, allow_private: None
) -> Iterator[LocalHTTPServer]:
    """An https server on 127.0.0.1 with a self-signed certificate for ``tls.test``.

    ``tls.test`` and ``other.test`` resolve to 127.0.0.1 through a fake getaddrinfo, and the
    client trusts the certificate (it is its own CA).
    """
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "tls.crt", tmp_path / "tls.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=tls.test",
         "-addext", "subjectAltName=DNS:tls.test"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setattr(fetch_transport, "_TLS_VERIFY", str(cert))
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        fake_getaddrinfo({"tls.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}),
    )
    with LocalHTTPServer("127.0.0.1", tls=context) as server:
        yield server


@pytest.mark.slow
def test_https_connects_to_the_pinned_ip_but_sends_and_verifies_the_host_name(
    https_server: LocalHTTPServer,
) -> None:
    https_server.route("/", body=b"secure")
    result = fetch(f"https://tls.test:{https_server.port}/")
    assert result.body == b"secure"
    assert set(https_server.tls_server_names) == {"tls.test"}
    assert https_server.requests[-1].headers["host"] == f"tls.test:{https_server.port}"


@pytest.mark.slow
def test_https_refuses_a_certificate_for_another_name(https_server: LocalHTTPServer) -> None:
    https_server.route("/", body=b"secure")
    with pytest.raises(FetchError) as caught:
        fetch(f"https://other.test:{https_server.port}/")
    assert caught.value.reason == "tls"
    assert https_server.requests == []
