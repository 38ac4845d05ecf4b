"""FETCH_LOOPBACK_ONLY: the soak's workers contact this machine and nothing else, whatever the
record names (seeded sources are real URLs), refusing other names before resolving them."""

from __future__ import annotations

import pytest
from pytest_django import Settings as SettingsWrapper

from apps.lib.fetch import FetchError, fetch
from tests.support.httpserver import LocalHTTPServer


@pytest.fixture
def loopback_only(settings: SettingsWrapper) -> None:
    settings.FETCH_ALLOW_PRIVATE = True
    settings.FETCH_LOOPBACK_ONLY = True


@pytest.mark.usefixtures("loopback_only")
def test_it_refuses_another_host_before_resolving_its_name() -> None:
    # .invalid never resolves (RFC 6761): a lookup would have failed as "dns", not "address".
    with pytest.raises(FetchError) as refused:
        fetch("http://aperture-soak.invalid/page", check_robots=False)
    assert (refused.value.reason, refused.value.permanent) == ("address", True)
    assert "FETCH_LOOPBACK_ONLY" in str(refused.value)


@pytest.mark.usefixtures("loopback_only")
def test_it_still_fetches_from_loopback(http_server: LocalHTTPServer) -> None:
    http_server.route("/page", body=b"<p>here</p>")
    assert fetch(http_server.url("/page"), check_robots=False).body == b"<p>here</p>"
