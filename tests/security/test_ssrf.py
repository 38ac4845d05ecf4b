"""SSRF: every spelling of this machine, through every door that fetches, reaches nothing.

Two counting servers listen on this machine (127.0.0.1 and ::1) and record every request they
get. With FETCH_ALLOW_PRIVATE off (production's policy), each spelling in :data:`SPELLINGS`
(numeric, octal, hexadecimal, short, IPv6, IPv4-mapped, "this host", user-info and backslash
tricks), aimed at the server it would reach, goes through each door that fetches: feed polling
(``addfeed`` + ``pollfeeds``), a feed's entry links, article URLs (``ingesturl`` and the admin's
"Ingest URLs now"), the admin's "Add source from URL", webhook posting and robots.txt. The
servers must get no request at all, and each door must record a clear error.

Private, link-local, metadata and other non-public addresses are not contacted, not even to
see them refused: they are judged as values by the address policy, and as fake DNS answers that
the client must refuse before connecting (:data:`tests.lib.test_fetch.REFUSED` already holds
the basic list; this file adds the rest). Names like ``lab.invalid`` can never resolve, so even
a broken parser could not make these tests reach another machine.
"""

from __future__ import annotations

import functools
import io
import ipaddress
import logging
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pytest_django import Settings as SettingsWrapper

from apps.alerts import services as alerts_services
from apps.alerts.models import Event, EventKind, WebhookDelivery, WebhookEndpoint
from apps.ingest import services as ingest_services
from apps.ingest.models import ArticleURL, Feed, Outcome, SourceFetch
from apps.lib import fetch as fetch_module
from apps.lib.fetch import (
    FetchError,
    address_is_allowed,
    address_is_public,
    contacted_host,
    fetch,
    resolve_host,
    robots_allows,
)
from apps.lib.urls import url_canonicalize
from tests.factories import company_make, statement_make
from tests.lib.test_fetch import REFUSED, fake_getaddrinfo, only
from tests.support.httpserver import LocalHTTPServer, ipv6_loopback_available

pytestmark = pytest.mark.django_db

# --------------------------------------------------------------------------------------------
# Spellings of this machine, each aimed at the counting server it would reach
# --------------------------------------------------------------------------------------------

#: ``{v4}`` is the port of the server on 127.0.0.1, ``{v6}`` that of the server on ::1.
SPELLINGS = [
    "http://127.0.0.1:{v4}/",
    "http://127.1:{v4}/",
    "http://127.0.1:{v4}/",
    "http://2130706433:{v4}/",
    "http://0x7f000001:{v4}/",
    "http://0x7f.0.0.1:{v4}/",
    "http://0177.0.0.1:{v4}/",
    "http://017700000001:{v4}/",
    "http://127.000.000.001:{v4}/",
    "http://127.127.127.127:{v4}/",
    "http://localhost:{v4}/",
    "http://LOCALHOST:{v4}/",
    "http://localhost.:{v4}/",
    "http://0.0.0.0:{v4}/",  # "this host": Linux delivers it to the local listener
    "http://0:{v4}/",
    "http://127%2e0%2e0%2e1:{v4}/",
    "http://127。0。0。1:{v4}/",  # ideographic full stops, which IDNA maps to dots
    "http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54:{v4}/",  # fullwidth "localhost"
    "http://[::ffff:127.0.0.1]:{v4}/",
    "http://[::ffff:7f00:1]:{v4}/",
    "http://[::1]:{v6}/",
    "http://[0:0:0:0:0:0:0:1]:{v6}/",
    "http://[0000::0001]:{v6}/",
    "http://[::]:{v6}/",
    "http://[::1%25lo]:{v6}/",
    "https://127.0.0.1:{v4}/",
    "HTTP://127.0.0.1:{v4}/",
    "http://user@127.0.0.1:{v4}/",
    "http://user:password@127.0.0.1:{v4}/",
    "http://@127.0.0.1:{v4}/",
    "http://127.0.0.1:{v4}\\@lab.invalid/",
    "http://lab.invalid\\@127.0.0.1:{v4}/",
    "http://127.0.0.1:{v4}\\\\lab.invalid/",
    "http://127.0.0.1:{v4}#@lab.invalid/",
    "http://127.0.0.1:{v4}?@lab.invalid/",
    "http://127.0.0.1:{v4}/\\..\\",
    " http://127.0.0.1:{v4}/ ",
]


@dataclass
class Targets:
    v4: LocalHTTPServer
    v6: LocalHTTPServer | None

    def urls(self) -> list[str]:
        """Each spelling with a path of its own, so a request that got through says which."""
        v6_port = self.v6.port if self.v6 is not None else self.v4.port
        urls = []
        for n, spelling in enumerate(SPELLINGS):
            url = spelling.format(v4=self.v4.port, v6=v6_port)
            end = len(url.rstrip())
            urls.append(f"{url[:end]}ssrf-{n}{url[end:]}")
        return urls

    def hits(self) -> list[str]:
        servers = [self.v4, *([self.v6] if self.v6 is not None else [])]
        return [f"{s.host} {r.method} {r.path}" for s in servers for r in s.requests]


@pytest.fixture
def targets(settings: SettingsWrapper) -> Iterator[Targets]:
    settings.FETCH_ALLOW_PRIVATE = False
    settings.SITE_URL = "http://testserver"
    with LocalHTTPServer("127.0.0.1") as v4:
        if ipv6_loopback_available():
            with LocalHTTPServer("::1") as v6:
                yield Targets(v4, v6)
        else:
            yield Targets(v4, None)


def test_every_spelling_is_a_distinct_address_for_the_battery() -> None:
    assert len(set(SPELLINGS)) == len(SPELLINGS)


# --------------------------------------------------------------------------------------------
# The doors. Each takes all the URLs and returns, per URL, the error it recorded or showed.
# --------------------------------------------------------------------------------------------

type Door = Callable[[list[str], User], dict[str, str]]


def _command(*args: str) -> str:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as error:
        return str(error)
    return out.getvalue()


def door_addfeed_and_pollfeeds(urls: list[str], editor: User) -> dict[str, str]:
    errors = {}
    for url in urls:
        added = _command("addfeed", url)
        feed_id = re.search(r"\(feed (\d+),", added)
        if feed_id is None:
            errors[url] = added  # refused when added
            continue
        _command("pollfeeds")
        errors[url] = Feed.objects.get(pk=int(feed_id.group(1))).last_error
    return errors


def door_feed_entry_links(urls: list[str], editor: User) -> dict[str, str]:
    """A feed (given as bytes, not fetched) whose entry links to the spelling, then ingested."""
    errors = {}
    for n, url in enumerate(urls):
        feed, _created = ingest_services.feed_add(url=f"http://feeds.invalid/{n}.xml")
        body = (
            f"<rss version='2.0'><channel><title>t</title><item><title>Entry</title>"
            f"<link><![CDATA[{url}]]></link></item></channel></rss>"
        ).encode()
        result = ingest_services.feed_poll(feed_id=feed.pk, body=body)
        messages = list(result.refused)
        for article_url_id in result.new_article_url_ids:
            ingest_services.article_ingest(article_url_id=article_url_id)
            messages.append(ArticleURL.objects.get(pk=article_url_id).last_error)
        errors[url] = " ".join(messages)
    return errors


def door_ingesturl(urls: list[str], editor: User) -> dict[str, str]:
    return {url: _command("ingesturl", url) for url in urls}


def _page_errors(page: str) -> str:
    """The refusals and form errors an admin page shows, as text."""
    return " ".join(
        re.findall(r"Refused [^<]+", page) + re.findall(r'class="errorlist[^>]*>(.*?)</ul>', page)
    )


def door_admin_ingest_urls(urls: list[str], editor: User) -> dict[str, str]:
    """The admin records the URLs (or refuses them at once); the worker's task, run here as the
    worker would, fetches and records its error on the row."""
    client = Client()
    client.force_login(editor)
    errors = {}
    for url in urls:
        known = set(ArticleURL.objects.values_list("pk", flat=True))
        page = client.post("/admin/ingest/article/ingest-urls/", {"urls": url}, follow=True)
        told = [_page_errors(page.content.decode())]
        for row in ArticleURL.objects.exclude(pk__in=known):
            ingest_services.article_ingest(article_url_id=row.pk)
            row.refresh_from_db()
            told.append(row.last_error)
        errors[url] = " ".join(told)
    return errors


def door_admin_add_source_from_url(urls: list[str], editor: User) -> dict[str, str]:
    """As above, through the Sources list's "Add source from URL" (a source fetch)."""
    client = Client()
    client.force_login(editor)
    errors = {}
    for url in urls:
        known = set(SourceFetch.objects.values_list("pk", flat=True))
        page = client.post(reverse("admin:ingest_sourcefetch_add"), {"url": url}, follow=True)
        told = [_page_errors(page.content.decode())]
        for row in SourceFetch.objects.exclude(pk__in=known):
            ingest_services.source_fetch_run(source_fetch_id=row.pk)
            row.refresh_from_db()
            told.append(row.last_error)
        errors[url] = " ".join(told)
    return errors


def door_webhooks(urls: list[str], editor: User) -> dict[str, str]:
    endpoints = {
        url: WebhookEndpoint.objects.create(name=f"Newsroom {n}", url=url, secret="s")
        for n, url in enumerate(urls)
    }
    statement_make(company=company_make(name="Meta", slug="meta"), stance="closed", publish=True)
    alerts_services.event_fan_out(event_id=Event.objects.get(kind=EventKind.STANCE_CHANGE).pk)
    alerts_services.webhooks_send()
    return {
        url: WebhookDelivery.objects.get(endpoint=endpoint).last_error
        for url, endpoint in endpoints.items()
    }


def door_robots_txt(urls: list[str], editor: User) -> dict[str, str]:
    """robots.txt counts as allowing a page when it cannot be read (the page fetch is then
    refused by the same checks): the refusal itself is recorded in the server's log."""
    return {url: " ".join(_logged(functools.partial(_robots_check, url))) for url in urls}


def _robots_check(url: str) -> None:
    try:
        robots_allows(url.strip())
    except FetchError as error:  # the URL itself is refused before robots.txt is looked for
        logging.getLogger("apps.lib.fetch").warning("refused before robots.txt: %s", error)


def _logged(action: Callable[[], None]) -> list[str]:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Collect(level=logging.INFO)
    logger = logging.getLogger("apps.lib.fetch")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        action()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    return records


DOORS: dict[str, Door] = {
    "addfeed and pollfeeds": door_addfeed_and_pollfeeds,
    "a feed's entry links": door_feed_entry_links,
    "ingesturl": door_ingesturl,
    "the admin's Ingest URLs now": door_admin_ingest_urls,
    "the admin's Add source from URL": door_admin_add_source_from_url,
    "webhook posting": door_webhooks,
    "robots.txt": door_robots_txt,
}


@pytest.mark.slow
@pytest.mark.parametrize("door", DOORS)
def test_no_spelling_of_this_machine_gets_through_any_door(
    targets: Targets, editor: User, door: str
) -> None:
    urls = targets.urls()

    errors = DOORS[door](urls, editor)

    assert targets.hits() == []
    silent = [url for url in urls if not errors.get(url, "").strip()]
    assert silent == [], f"{door} recorded no error for these"
    if door != "robots.txt":  # that door's errors are the server's log, where addresses belong
        # What a name resolved to is never shown, only the URL as typed or canonicalised, and
        # the host its parser reads in it (the "host contacted" the admin names).
        told = [
            (url, resolved)
            for url in urls
            for resolved in ("127.0.0.1", "0.0.0.0", "::1")  # noqa: S104
            if resolved not in url + _canonical(url) + contacted_host(url)
            and resolved in errors[url]
        ]
        assert told == []


def _canonical(url: str) -> str:
    try:
        return url_canonicalize(url.strip())
    except ValueError:
        return ""


# --------------------------------------------------------------------------------------------
# Redirects: from a page the policy allows to every spelling of a server it does not
# --------------------------------------------------------------------------------------------


@pytest.fixture
def allowed_origin() -> Iterator[LocalHTTPServer]:
    try:
        server = LocalHTTPServer("127.0.0.2").start()
    except OSError:
        pytest.skip("this machine cannot bind 127.0.0.2")
    yield server
    server.stop()


def test_a_redirect_from_an_allowed_page_to_any_spelling_of_this_machine_is_refused(
    targets: Targets, allowed_origin: LocalHTTPServer
) -> None:
    urls = [url.strip() for url in targets.urls()]
    for n, url in enumerate(urls):
        allowed_origin.redirect(f"/go/{n}", url)
    outcomes = {}
    for n, url in enumerate(urls):
        try:
            fetch(allowed_origin.url(f"/go/{n}"), address_policy=only("127.0.0.2"))
            outcomes[url] = "fetched"
        except FetchError as error:
            outcomes[url] = error.reason
    assert targets.hits() == []
    assert "fetched" not in outcomes.values()
    assert {f"/go/{n}" for n in range(len(urls))} <= set(allowed_origin.paths)


def test_a_redirect_to_this_machine_is_refused_for_an_article_too(
    targets: Targets, allowed_origin: LocalHTTPServer
) -> None:
    allowed_origin.redirect("/story", f"http://2130706433:{targets.v4.port}/inside")
    queued, _refused = ingest_services.article_urls_add(urls=[allowed_origin.url("/story")])
    result = ingest_services.article_ingest(
        article_url_id=queued[0].pk, address_policy=only("127.0.0.2")
    )
    assert targets.hits() == []
    assert result.outcome == Outcome.ERROR
    assert "“2130706433” is not a public address" in ArticleURL.objects.get().last_error


# --------------------------------------------------------------------------------------------
# Non-public addresses, as values only
# --------------------------------------------------------------------------------------------

#: Beyond :data:`tests.lib.test_fetch.REFUSED`: range edges, metadata services, and the
#: IPv4-mapped, IPv4-compatible, NAT64, 6to4 and Teredo forms of private and metadata addresses.
NOT_PUBLIC = {
    "private": ["10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.255.255",
                "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    "carrier-grade NAT": ["100.64.0.0", "100.127.255.255"],
    "link-local": ["169.254.0.1", "169.254.255.255", "fe80::", "febf:ffff::1", "fe80::1%2"],
    "metadata": ["169.254.170.2", "169.254.169.123", "fd00:ec2::254",
                 "fd00:ec2::23", "100.100.100.200"],
    "this host": ["0.0.0.1", "0.255.255.255", "::ffff:0.0.0.0"],
    "loopback": ["127.0.0.2", "127.255.255.255", "::ffff:127.0.0.2"],
    "multicast": ["224.0.0.251", "239.0.0.1", "ff02::fb", "ff05::1:3", "ff0e::1"],
    "broadcast and reserved": ["255.255.255.254", "250.1.2.3"],
    "IPv4-mapped": ["::ffff:169.254.169.254", "::ffff:192.168.0.1", "::ffff:100.64.0.1",
                    "::ffff:172.16.0.1"],
    "IPv4-compatible": ["::169.254.169.254", "::10.0.0.1", "::c0a8:1"],
    "NAT64": ["64:ff9b::a9fe:a9fe", "64:ff9b::c0a8:1", "64:ff9b::7f00:1", "64:ff9b:1::a9fe:a9fe"],
    "6to4": ["2002:a9fe:a9fe::1", "2002:c0a8:101::1", "2002:6440:1::1", "2002::1"],
    "Teredo": ["2001:0:a9fe:a9fe::1", "2001:0:4136:e378:8000:63bf:56ff:fef5"],
}  # fmt: skip

#: Multicast, broadcast, reserved and "this host" stay refused even with FETCH_ALLOW_PRIVATE.
NEVER = ["this host", "multicast", "broadcast and reserved"]


def _all_not_public() -> list[tuple[str, str]]:
    return [(kind, address) for kind, addresses in NOT_PUBLIC.items() for address in addresses]


def test_these_values_add_to_the_basic_list_rather_than_repeat_it() -> None:
    ours = [ipaddress.ip_address(address) for _kind, address in _all_not_public()]
    assert len(set(ours)) == len(ours)
    assert set(ours) & {ipaddress.ip_address(address) for address in REFUSED} == set()


@pytest.mark.parametrize(("kind", "address"), _all_not_public())
def test_a_non_public_address_is_refused_by_the_production_policy(kind: str, address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert not address_is_public(ip), kind
    assert not address_is_allowed(ip, allow_private=False), kind


@pytest.mark.parametrize(("kind", "address"), [(k, a) for k, a in _all_not_public() if k in NEVER])
def test_no_web_page_address_is_allowed_even_for_the_local_demo(kind: str, address: str) -> None:
    assert not address_is_allowed(ipaddress.ip_address(address), allow_private=True), kind


@pytest.mark.parametrize(("kind", "address"), _all_not_public())
def test_a_name_that_resolves_to_a_non_public_address_is_refused_without_saying_where(
    monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper, kind: str, address: str
) -> None:
    """The resolver's answer is judged before any connection is made (a value check)."""
    settings.FETCH_ALLOW_PRIVATE = False
    bare = address.split("%")[0]
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo({"inside.invalid": [bare]}))

    with pytest.raises(FetchError) as caught:
        resolve_host("inside.invalid", 80, fetch_module.settings_address_policy)

    assert caught.value.reason == "address", kind
    assert caught.value.permanent
    assert str(caught.value) == "“inside.invalid” is not a public address and may not be fetched."
