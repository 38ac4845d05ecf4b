"""The one HTTP client every fetch in the project goes through, safe against SSRF.

Aperture fetches pages whose URLs come from outside (an editor pastes a link, a feed lists one, a
page redirects somewhere). Without care, such a URL can make the server talk to itself or to its
private network: ``http://127.0.0.1:6379/``, the cloud metadata service at ``169.254.169.254``, a
name that resolves to ``10.0.0.5``, a public page that redirects to any of those, or a name whose
DNS answer changes between our check and our connect (DNS rebinding). This module is the single
place that decides what may be contacted, so the rest of the code must never import ``requests``
to fetch anything itself.

How it is safe:

* :func:`url_check` refuses everything but absolute ``http``/``https`` URLs with a host, with no
  userinfo (``user:pass@``) and a port in 1..65535, on the first hop and on every redirect hop.
* The host is resolved by us (:func:`resolve_host`, ``socket.getaddrinfo``), *every* address it
  resolves to is judged by the address policy, and the connection is made to the checked IP
  itself, not to the name, so a second DNS answer can never be used. Numeric spellings such as
  ``2130706433``, ``0x7f000001`` or ``127.1`` are whatever ``getaddrinfo`` makes of them, i.e.
  127.0.0.1, and are judged as such.
* Defence in depth: after the TCP connection is made, the socket's peer address is judged again
  (:class:`_PinnedAdapter` installs connection classes that do this), so even a bug in the pinning
  cannot reach a refused address with an HTTP request.
* The default policy (:func:`settings_address_policy`) allows only globally routable unicast
  addresses (:func:`address_is_public`), unless ``settings.FETCH_ALLOW_PRIVATE`` is true (tests
  and the local demo only; the settings force it off in production).
* Redirects are followed by hand, at most ``settings.FETCH_MAX_REDIRECTS``, loops refused.
* Connect and read timeouts are ``settings.FETCH_TIMEOUT_SECONDS``; the whole call also has a
  deadline (``settings.FETCH_TOTAL_TIMEOUT_SECONDS`` if set, else four times the timeout): every
  socket wait is capped at what is left of it and it is checked after every read, so a server
  that drips a byte at a time or stalls mid-body cannot hold a worker past it.
* Bodies are streamed and reading stops past ``max_bytes`` (decompressed bytes, so a gzip bomb
  is caught too); a Content-Length above the limit is refused before reading anything.
* No proxies from the environment, no ``.netrc``, no cookies, no retries: nothing but the request
  we mean to send.
* robots.txt is honoured (see :func:`robots_allows`).

Why requests-hardened is not used, although it is installed: its IP filter does pin the resolved
IP at connection time, but it judges only the *first* address ``getaddrinfo`` returns, its only
opt-out allows loopback but not the private ranges a local demo may need, its block list is not
ours (it relies on ``ipaddress.is_private``, which differs between Python patch releases), the
policy cannot be injected for tests, and it does not re-check the peer after connecting. So this
module does the same pinning trick (replace the pool host by the checked IP, keep the name in the
Host header, SNI and certificate check) with our policy, plus the peer check.

Why ``requests.Session`` is not used either: ``Session.send(allow_redirects=False)`` still reads
the *whole* body of a redirect response into memory to prepare ``Response.next``, with no size
limit. We prepare the request and call the transport adapter directly, one adapter (one small
connection pool) per :func:`fetch` call, closed at the end; that is thread-safe by construction.

Credentials are never sent, logged or returned: URLs with userinfo are refused, and URLs are
passed through :func:`redact_url` before they go into messages or logs.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, cast
from urllib.parse import SplitResult, urldefrag, urljoin, urlsplit, urlunsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import DecodeError, LocationParseError
from urllib3.exceptions import HTTPError as Urllib3HTTPError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError
from urllib3.util import connection as urllib3_connection
from urllib3.util import parse_url

if TYPE_CHECKING:  # typing-only names from types-requests
    from requests.adapters import _HostParams, _PoolKwargs

__all__ = [
    "ANY_CONTENT_TYPE",
    "DEFAULT_ACCEPT",
    "AddressPolicy",
    "FetchError",
    "FetchResult",
    "IPAddress",
    "address_is_allowed",
    "address_is_public",
    "contacted_host",
    "fetch",
    "post",
    "redact_url",
    "resolve_host",
    "robots_allows",
    "robots_cache_clear",
    "settings_address_policy",
    "url_check",
]

logger = logging.getLogger(__name__)

type IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: Decides whether an address may be contacted. Called once per resolved address before
#: connecting and once with the socket's peer address after connecting.
type AddressPolicy = Callable[[IPAddress], bool]

#: What pages, feeds and JSON documents are served as. Callers narrow it (e.g. HTML only).
DEFAULT_ACCEPT: Final[tuple[str, ...]] = (
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "application/ld+json",
)
#: Put this in ``accept`` to take any content type (robots.txt is served as anything).
ANY_CONTENT_TYPE: Final = "*/*"

#: robots.txt files are small; Google reads the first 500 KiB and so do we (truncating).
ROBOTS_MAX_BYTES: Final = 512 * 1024
_ROBOTS_DEFAULT_CACHE_SECONDS: Final = 3600.0
_ROBOTS_DEFAULT_RETRY_SECONDS: Final = 300.0

#: Certificate verification for https: True means the certifi bundle requests ships. Tests that
#: run a local TLS server point it at their own CA file; nothing else should change it.
_TLS_VERIFY: bool | str = True

_CHUNK_SIZE: Final = 64 * 1024
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
#: 4xx statuses that say "try again later" rather than "this will never work".
_TEMPORARY_CLIENT_ERRORS: Final = frozenset({408, 425, 429})


# --------------------------------------------------------------------------------------------
# Errors and results
# --------------------------------------------------------------------------------------------


class FetchError(Exception):
    """A fetch that did not produce a usable response.

    ``reason`` is a short machine code: ``url``, ``scheme``, ``credentials``, ``port``, ``dns``,
    ``address``, ``robots``, ``redirects``, ``http_status``, ``too_large``, ``content_type``,
    ``timeout``, ``connection``, ``tls``, ``decoding``. ``permanent`` tells a task whether retrying
    later can help: timeouts, connection errors, DNS failures, 5xx, 408/425/429 are temporary;
    policy refusals, other 4xx, oversized bodies and refused content types are permanent.
    ``str(error)`` is a sentence fit to show an editor; it never contains credentials.
    """

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        permanent: bool,
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.permanent = permanent
        self.url = redact_url(url) if url is not None else None
        self.status = status

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"FetchError(reason={self.reason!r}, permanent={self.permanent!r}, "
            f"status={self.status!r}, message={self.message!r})"
        )


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch (2xx, or 304 when a conditional GET found the page unchanged)."""

    #: The URL the caller asked for, as given.
    requested_url: str
    #: The URL of the last request made, after redirects, without fragment.
    final_url: str
    status: int
    #: Response headers with lower-cased names (repeated headers joined with ", ").
    headers: dict[str, str]
    #: The decoded (gunzipped) body; empty on 304.
    body: bytes
    #: The MIME type without parameters, lower-cased ("" if the server sent none).
    content_type: str
    #: The charset parameter of Content-Type, lower-cased, if the server sent one.
    charset: str | None
    etag: str | None
    last_modified: str | None
    #: True on 304 Not Modified: the caller's copy (etag/last_modified) is still current.
    not_modified: bool
    elapsed_seconds: float


def redact_url(url: str) -> str:
    """The URL with any userinfo replaced by ``***``, for messages and logs.

    When there is an ``@`` in the authority, the URL is rebuilt as urllib3 (the parser that
    decides what is contacted) reads it, so the host shown is the host that would be contacted:
    ``http://127.0.0.1:8299\\@example.com/`` is shown as ``http://127.0.0.1:8299/%5C@example.com/``,
    not as a URL on example.com. What urllib3 cannot parse is not shown at all.
    """
    try:
        if "@" not in urlsplit(url).netloc:
            return url  # urllib3's authority ends no later than urlsplit's: no userinfo either
        parsed = parse_url(url)
    except (LocationParseError, ValueError):
        return "<unparseable URL>"
    return str(parsed._replace(auth="***" if parsed.auth is not None else None).url)


def contacted_host(url: str) -> str:
    """The host (and port, if the URL gives one) a fetch of ``url`` would connect to, or "".

    This is urllib3's reading of the URL, the one the connection is made from, which is what an
    editor needs to see when other parsers (and eyes) read the URL differently.
    """
    try:
        parsed = parse_url(url.strip())
    except LocationParseError:
        return ""
    host = parsed.host or ""
    return f"{host}:{parsed.port}" if host and parsed.port is not None else host


# --------------------------------------------------------------------------------------------
# Address policy
# --------------------------------------------------------------------------------------------

_V4_NOT_PUBLIC: Final = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT, often routes to internal workloads
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes 255.255.255.255 broadcast
    )
)

#: Refused even with FETCH_ALLOW_PRIVATE: "this network" (0.0.0.0 is the local host on Linux)
#: and the reserved block that holds the broadcast address.
_V4_NEVER: Final = (ipaddress.IPv4Network("0.0.0.0/8"), ipaddress.IPv4Network("240.0.0.0/4"))

_V6_GLOBAL_UNICAST: Final = ipaddress.IPv6Network("2000::/3")
_V6_NOT_PUBLIC: Final = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/8",  # unspecified, loopback, IPv4-mapped ::ffff:0:0/96, IPv4-compatible
        "64:ff9b::/96",  # NAT64: would reach whatever IPv4 address is embedded
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4: relays reach the embedded IPv4 address; deprecated (RFC 7526)
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # segment routing SIDs
        "fc00::/7",  # unique local (private)
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
_V4_MAPPED: Final = ipaddress.IPv6Network("::ffff:0:0/96")
_NAT64: Final = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64, Teredo), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_is_public(ip: IPAddress) -> bool:
    """Whether ``ip`` is globally routable unicast, the only kind a production fetch may reach.

    An explicit block list is used on top of ``ip.is_global`` because the standard library's
    idea of private ranges changed between Python patch releases (3.12.4 fixed several).

    IPv6 addresses that carry an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, 6to4 ``2002::``,
    NAT64 ``64:ff9b::``, Teredo ``2001::``) are refused whatever they embed: a dual-stack socket
    or a translator on the path would deliver them to the embedded IPv4 address, and no public
    web server needs them. The embedded address is still judged first, so the refusal does not
    depend on the block list alone.
    """
    if isinstance(ip, ipaddress.IPv4Address):
        return ip.is_global and not any(ip in net for net in _V4_NOT_PUBLIC)
    if ip.scope_id:  # a zone index only makes sense for non-global addresses
        return False
    embedded = _embedded_ipv4(ip)
    if embedded is not None and not address_is_public(embedded):
        return False
    return (
        ip in _V6_GLOBAL_UNICAST and ip.is_global and not any(ip in net for net in _V6_NOT_PUBLIC)
    )


def address_is_allowed(ip: IPAddress, *, allow_private: bool) -> bool:
    """Whether ``ip`` may be contacted: public, or (with ``allow_private``) any unicast address.

    ``allow_private`` exists for tests and the local demo, which serve pages from loopback or a
    LAN. Even then multicast, broadcast, reserved and unspecified addresses (``0.0.0.0`` and
    ``::``, which Linux treats as "this host") stay refused: no web page lives there.
    """
    if address_is_public(ip):
        return True
    if not allow_private:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_multicast or ip.is_unspecified:
        return False
    if isinstance(ip, ipaddress.IPv4Address):
        return not any(ip in net for net in _V4_NEVER)
    return True


def settings_address_policy(ip: IPAddress) -> bool:
    """The default policy: :func:`address_is_allowed` with ``settings.FETCH_ALLOW_PRIVATE``.

    Read at every call, so tests can flip the setting with pytest-django's ``settings``.
    """
    return address_is_allowed(ip, allow_private=bool(settings.FETCH_ALLOW_PRIVATE))


# --------------------------------------------------------------------------------------------
# URL and host checks
# --------------------------------------------------------------------------------------------


def url_check(url: str) -> SplitResult:
    """Refuse a URL we must never request, or return it split.

    Refused (``FetchError``, permanent): control characters, whitespace or backslashes anywhere
    (parsers disagree about them, which is how ``http://a\\@127.0.0.1/`` tricks work); schemes
    other than http and https; any userinfo, even empty; a missing host; a host that urllib3
    (which connects) reads differently from :func:`urllib.parse.urlsplit` (percent-encoded
    hosts such as ``127%2e0%2e0%2e1``); a port that is not a number in 1..65535.
    """
    if "\\" in url:
        raise FetchError(
            "url",
            "The URL contains a backslash, which makes its host ambiguous.",
            permanent=True,
            url=url,
        )
    if any(ord(char) <= 0x20 or 0x7F <= ord(char) <= 0x9F for char in url):
        raise FetchError(
            "url", "The URL contains spaces or control characters.", permanent=True, url=url
        )
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError("url", "The URL cannot be parsed.", permanent=True, url=url) from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        shown = f"“{scheme}:”" if scheme else "no scheme"
        raise FetchError(
            "scheme",
            f"Only http and https URLs can be fetched, not {shown}.",
            permanent=True,
            url=url,
        )
    if "@" in parts.netloc:
        raise FetchError(
            "credentials",
            "URLs with a user name or password are refused.",
            permanent=True,
            url=url,
        )
    if not parts.hostname:
        raise FetchError("url", "The URL has no host.", permanent=True, url=url)
    try:
        port = parts.port
    except ValueError as exc:
        raise FetchError("port", "The URL's port is not valid.", permanent=True, url=url) from exc
    if port is not None and not 1 <= port <= 65535:
        raise FetchError("port", "The URL's port is not valid.", permanent=True, url=url)
    try:
        contacted = parse_url(url).host or ""
    except LocationParseError as exc:
        raise FetchError("url", "The URL cannot be parsed.", permanent=True, url=url) from exc
    # Parsers disagree about percent signs in a host (urllib3 decodes "127%2e0%2e0%2e1") and
    # other odd spellings: a host must read the same to urllib3, which connects, and to us.
    # (Non-ASCII hosts are IDNA-encoded by urllib3; they are checked as the name it resolves.)
    if "%" in parts.hostname or (
        parts.hostname.isascii() and contacted.lower().strip("[]") != parts.hostname.lower()
    ):
        raise FetchError("url", "The URL's host is spelled ambiguously.", permanent=True, url=url)
    return parts._replace(scheme=scheme)


def _sockaddr_ip(sockaddr: tuple[Any, ...]) -> IPAddress:
    """The address in a getaddrinfo/getpeername sockaddr tuple, IPv6 zone included."""
    host = str(sockaddr[0])
    if len(sockaddr) >= 4 and sockaddr[3] and "%" not in host:
        host = f"{host}%{sockaddr[3]}"
    return ipaddress.ip_address(host)


def resolve_host(host: str, port: int, policy: AddressPolicy) -> IPAddress:
    """Resolve ``host`` and return the address to connect to, if every address is allowed.

    All addresses are judged, not just the one we will use: a name that resolves to both a public
    and a private address is the classic rebinding set-up, and is refused. The returned address
    is the first one of a family this machine can connect to (IPv4 only if it has no IPv6).
    ``getaddrinfo`` has no timeout of its own; the resolver's (usually 5 s x attempts) applies.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as exc:
        raise FetchError("url", f"“{host}” is not a valid host name.", permanent=True) from exc
    except OSError as exc:  # socket.gaierror and friends
        raise FetchError(
            "dns", f"The host “{host}” could not be resolved.", permanent=False
        ) from exc
    addresses = [
        _sockaddr_ip(info[4]) for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)
    ]
    if not addresses:
        raise FetchError("dns", f"The host “{host}” has no IP address.", permanent=False)
    for ip in addresses:
        if not policy(ip):
            # The address stays in the log: shown to an editor it would map internal names.
            logger.warning("fetch refused: host %r resolves to refused address %s", host, ip)
            raise FetchError(
                "address",
                f"“{host}” is not a public address and may not be fetched.",
                permanent=True,
            )
    usable = [ip for ip in addresses if ip.version == 4 or _has_ipv6()]
    return (usable or addresses)[0]


def _has_ipv6() -> bool:
    """Whether this machine can use IPv6 at all (urllib3's own probe, binding ``::1``)."""
    return bool(getattr(urllib3_connection, "HAS_IPV6", False))


def _check_peer(sock: socket.socket, policy: AddressPolicy) -> socket.socket:
    """Judge the address a fresh socket is connected to; close it and refuse if not allowed."""
    try:
        peer = _sockaddr_ip(sock.getpeername())
    except (OSError, ValueError) as exc:
        sock.close()
        raise FetchError(
            "connection", "Could not tell which address we connected to.", permanent=False
        ) from exc
    if not policy(peer):
        sock.close()
        logger.warning("fetch refused after connect: peer address %s is not allowed", peer)
        raise FetchError(
            "address",
            "The connection reached an address that is not public and may not be fetched.",
            permanent=True,
        )
    return sock


def _checked_pool_classes(
    policy: AddressPolicy,
) -> tuple[type[HTTPConnectionPool], type[HTTPSConnectionPool]]:
    """urllib3 pool classes whose connections judge their peer address right after connecting."""

    class CheckedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _check_peer(super()._new_conn(), policy)

    class CheckedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return _check_peer(super()._new_conn(), policy)

    class CheckedHTTPConnectionPool(HTTPConnectionPool):
        ConnectionCls = CheckedHTTPConnection

    class CheckedHTTPSConnectionPool(HTTPSConnectionPool):
        ConnectionCls = CheckedHTTPSConnection

    return CheckedHTTPConnectionPool, CheckedHTTPSConnectionPool


class _PinnedAdapter(HTTPAdapter):
    """A transport adapter that connects to the checked IP, never to a name.

    When urllib3 is about to pick a connection pool for a request, we resolve the host with
    :func:`resolve_host` (all addresses judged), and key the pool by the resulting IP instead of
    the name, keeping the name in the Host header, the TLS SNI and the certificate check. The
    pool's connections judge the peer again after connecting (:func:`_check_peer`).
    """

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        super().__init__(pool_connections=4, pool_maxsize=1, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        http_pool, https_pool = _checked_pool_classes(self._policy)
        self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}

    def build_connection_pool_key_attributes(
        self,
        request: requests.PreparedRequest,
        verify: bool | str,
        cert: str | tuple[str, str] | None = None,
    ) -> tuple[_HostParams, _PoolKwargs]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        scheme = str(host_params["scheme"])
        host = str(host_params["host"] or "")
        port: int | None = host_params["port"]  # None when the URL has no explicit port
        if not host or scheme not in _DEFAULT_PORTS:
            raise FetchError("url", "The URL has no usable host.", permanent=True)
        ip = resolve_host(host, port or _DEFAULT_PORTS[scheme], self._policy)

        # Copy before mutating: the headers object may be shared with the caller.
        request.headers = CaseInsensitiveDict(request.headers or {})
        host_header = f"[{host}]" if ":" in host else host
        request.headers["Host"] = f"{host_header}:{port}" if port is not None else host_header
        if scheme == "https":  # certificate and SNI are for the name, not the pinned IP
            tls_kwargs = cast(dict[str, Any], pool_kwargs)
            tls_kwargs["assert_hostname"] = host
            tls_kwargs["server_hostname"] = host
        host_params["host"] = f"[{ip}]" if ip.version == 6 else str(ip)
        return host_params, pool_kwargs

    def get_connection(self, url: str | bytes, proxies: Any = None) -> HTTPConnectionPool:
        """The pre-2.32.2 entry point would bypass the pinning: refuse to be used through it."""
        raise NotImplementedError("use get_connection_with_tls_context (requests >= 2.32.2)")

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """Proxies would bypass the pinning, and we never configure one."""
        raise FetchError("connection", "Fetching through a proxy is not supported.", permanent=True)


# --------------------------------------------------------------------------------------------
# robots.txt
# --------------------------------------------------------------------------------------------

_robots_cache: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
_robots_lock = threading.Lock()


def robots_cache_clear() -> None:
    """Forget every cached robots.txt (tests; or after changing FETCH_USER_AGENT)."""
    with _robots_lock:
        _robots_cache.clear()


def _origin(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{parts.port or _DEFAULT_PORTS[parts.scheme]}"


def _load_robots(
    parts: SplitResult, policy: AddressPolicy
) -> tuple[urllib.robotparser.RobotFileParser | None, float | None]:
    """Fetch and parse an origin's robots.txt; ``None`` means "everything allowed".

    Returns the parser and how long to cache it (``None``: do not cache). Following RFC 9309, a
    4xx (404, 410, but also 401/403) means there are no rules: allow all, cache normally.

    A 5xx, a timeout or an unreachable server also means allow, cached only briefly. RFC 9309
    asks crawlers to assume "disallow all" then; we deliberately do not, because Aperture is not
    a crawler: it makes one human-triggered, low-frequency request for a page a lab published for
    the public record, a failing robots.txt says nothing about the owner's wishes, and if the
    server is really down the page request itself fails next with a temporary error and is
    retried. A short cache time means a restored robots.txt is honoured within minutes.

    A policy refusal (the robots.txt URL or its redirect points somewhere forbidden) also allows,
    uncached: the page request goes through the same checks and will be refused on its own.
    """
    robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    cache_seconds = float(
        getattr(settings, "FETCH_ROBOTS_CACHE_SECONDS", _ROBOTS_DEFAULT_CACHE_SECONDS)
    )
    retry_seconds = float(
        getattr(settings, "FETCH_ROBOTS_RETRY_SECONDS", _ROBOTS_DEFAULT_RETRY_SECONDS)
    )
    try:
        result = _fetch(
            robots_url,
            accept=(ANY_CONTENT_TYPE,),
            max_bytes=ROBOTS_MAX_BYTES,
            truncate=True,
            etag=None,
            last_modified=None,
            check_robots=False,
            policy=policy,
        )
    except FetchError as exc:
        logger.info("robots.txt for %s not used (%s): allowing", _origin(parts), exc.reason)
        if exc.reason == "http_status" and exc.permanent:
            return None, cache_seconds
        if not exc.permanent:
            return None, retry_seconds
        return None, None
    parser = urllib.robotparser.RobotFileParser(robots_url)
    text = result.body.decode("utf-8", errors="replace").removeprefix("\ufeff")
    parser.parse(text.splitlines())
    return parser, cache_seconds


def robots_allows(url: str, *, address_policy: AddressPolicy | None = None) -> bool:
    """Whether the origin's robots.txt lets ``settings.FETCH_USER_AGENT`` fetch ``url``.

    robots.txt is fetched through the same safe machinery (no robots check of its own, 512 KiB
    at most, truncated like Google does) and cached per origin (scheme, host, port) in this
    process for ``settings.FETCH_ROBOTS_CACHE_SECONDS`` (default one hour).
    """
    parts = url_check(url)
    policy = address_policy or settings_address_policy
    origin = _origin(parts)
    now = time.monotonic()
    with _robots_lock:
        cached = _robots_cache.get(origin)
    if cached is not None and cached[0] > now:
        parser = cached[1]
    else:
        # Fetched outside the lock: one slow origin must not hold up every other fetch.
        parser, ttl = _load_robots(parts, policy)
        if ttl is not None:
            with _robots_lock:
                _robots_cache[origin] = (time.monotonic() + ttl, parser)
    if parser is None:
        return True
    return parser.can_fetch(str(settings.FETCH_USER_AGENT), url)


# --------------------------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------------------------


def fetch(
    url: str,
    *,
    accept: Collection[str] = DEFAULT_ACCEPT,
    max_bytes: int | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    check_robots: bool = True,
    address_policy: AddressPolicy | None = None,
) -> FetchResult:
    """GET ``url`` safely and return the response, or raise :class:`FetchError`.

    ``accept``: MIME types we can use (``type/*`` and ``*/*`` work as wildcards); any other
    content type is refused before the body is read. ``max_bytes`` defaults to
    ``settings.FETCH_MAX_BYTES``. ``etag`` / ``last_modified`` make it a conditional GET (sent on
    every hop); a 304 returns ``not_modified=True`` with an empty body. ``check_robots`` consults
    robots.txt for every URL requested, redirect targets included. ``address_policy`` replaces
    the settings-based policy (tests use it to allow one loopback address and not another).
    """
    if not accept:
        raise ValueError("accept must name at least one content type")
    return _fetch(
        url,
        accept=tuple(accept),
        max_bytes=int(settings.FETCH_MAX_BYTES) if max_bytes is None else max_bytes,
        truncate=False,
        etag=etag,
        last_modified=last_modified,
        check_robots=check_robots,
        policy=address_policy or settings_address_policy,
    )


def _fetch(
    url: str,
    *,
    accept: tuple[str, ...],
    max_bytes: int,
    truncate: bool,
    etag: str | None,
    last_modified: str | None,
    check_robots: bool,
    policy: AddressPolicy,
) -> FetchResult:
    """:func:`fetch`, plus ``truncate`` (return the first ``max_bytes`` instead of refusing)."""
    started = time.monotonic()
    timeout = float(settings.FETCH_TIMEOUT_SECONDS)
    deadline = started + float(getattr(settings, "FETCH_TOTAL_TIMEOUT_SECONDS", 4 * timeout))
    max_redirects = int(settings.FETCH_MAX_REDIRECTS)
    headers = {
        "User-Agent": str(settings.FETCH_USER_AGENT),
        "Accept": ", ".join(accept),
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    current = urldefrag(url.strip()).url
    seen: set[str] = set()
    redirects = 0
    adapter = _PinnedAdapter(policy)
    try:
        while True:
            url_check(current)
            if current in seen:
                raise FetchError(
                    "redirects", "The page redirects in a loop.", permanent=True, url=current
                )
            seen.add(current)
            if check_robots and not robots_allows(current, address_policy=policy):
                raise FetchError(
                    "robots",
                    "The site's robots.txt asks us not to fetch this page.",
                    permanent=True,
                    url=current,
                )
            response = _send(adapter, current, headers, _wait_limit(timeout, deadline, current))
            try:
                location = _redirect_target(response)
                if location is not None:
                    redirects += 1
                    if redirects > max_redirects:
                        raise FetchError(
                            "redirects",
                            f"The page redirects more than {max_redirects} times.",
                            permanent=True,
                            url=url,
                        )
                    current = urldefrag(urljoin(current, location)).url
                    logger.debug("fetch redirect %d to %s", redirects, redact_url(current))
                    continue
                return _result(
                    response,
                    requested_url=url,
                    final_url=current,
                    accept=accept,
                    max_bytes=max_bytes,
                    truncate=truncate,
                    started=started,
                    timeout=timeout,
                    deadline=deadline,
                )
            finally:
                response.close()
    finally:
        adapter.close()


def post(
    url: str,
    *,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
    max_bytes: int = 64 * 1024,
    address_policy: AddressPolicy | None = None,
) -> FetchResult:
    """POST ``body`` to ``url`` through the same checks as :func:`fetch`; return the answer.

    For webhooks: the same URL check, resolution, address policy, IP pinning, peer re-check,
    timeouts and size limit as a GET. Redirects are not followed (a 3xx is refused, permanently:
    a receiver that moved must be re-registered), robots.txt does not apply (the receiver asked
    for these requests), and any content type is accepted in the (truncated) answer.
    """
    started = time.monotonic()
    timeout = float(settings.FETCH_TIMEOUT_SECONDS)
    deadline = started + float(getattr(settings, "FETCH_TOTAL_TIMEOUT_SECONDS", 4 * timeout))
    url_check(url)
    all_headers = {
        "User-Agent": str(settings.FETCH_USER_AGENT),
        "Accept": ANY_CONTENT_TYPE,
        **(headers or {}),
        "Content-Type": content_type,
    }
    adapter = _PinnedAdapter(address_policy or settings_address_policy)
    try:
        response = _send(
            adapter,
            url,
            all_headers,
            _wait_limit(timeout, deadline, url),
            method="POST",
            body=body,
        )
        try:
            if _redirect_target(response) is not None or 300 <= response.status_code < 400:
                raise FetchError(
                    "redirects",
                    f"The receiver answered with a redirect (HTTP {response.status_code}); "
                    "redirects are not followed for a POST.",
                    permanent=True,
                    url=url,
                    status=response.status_code,
                )
            return _result(
                response,
                requested_url=url,
                final_url=url,
                accept=(ANY_CONTENT_TYPE,),
                max_bytes=max_bytes,
                truncate=True,
                started=started,
                timeout=timeout,
                deadline=deadline,
            )
        finally:
            response.close()
    finally:
        adapter.close()


def _send(
    adapter: _PinnedAdapter,
    url: str,
    headers: dict[str, str],
    timeout: float,
    *,
    method: str = "GET",
    body: bytes | None = None,
) -> requests.Response:
    """Send one request through the pinned adapter, mapping transport errors to FetchError."""
    try:
        prepared = requests.Request(method, url, headers=headers, data=body).prepare()
    except requests.RequestException as exc:
        raise FetchError("url", "The URL is not valid.", permanent=True, url=url) from exc
    # Defence in depth: check what will really be sent, as urllib3 parses it.
    sent = parse_url(prepared.url or "")
    if sent.scheme not in _DEFAULT_PORTS or sent.auth is not None or not sent.host:
        raise FetchError("url", "The URL is not valid.", permanent=True, url=url)
    prepared.headers.pop("Authorization", None)
    try:
        return adapter.send(
            prepared, stream=True, timeout=(timeout, timeout), verify=_TLS_VERIFY, proxies={}
        )
    except FetchError:
        raise
    except requests.Timeout as exc:
        raise FetchError(
            "timeout", "The server took too long to answer.", permanent=False, url=url
        ) from exc
    except requests.exceptions.SSLError as exc:
        raise FetchError(
            "tls",
            "The secure connection failed (certificate or TLS error).",
            permanent=False,
            url=url,
        ) from exc
    except requests.ConnectionError as exc:
        raise FetchError(
            "connection", "Could not connect to the server.", permanent=False, url=url
        ) from exc
    except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema) as exc:
        raise FetchError("url", "The URL is not valid.", permanent=True, url=url) from exc
    except requests.RequestException as exc:
        raise FetchError("connection", "The request failed.", permanent=False, url=url) from exc


def _redirect_target(response: requests.Response) -> str | None:
    """The Location of a redirect response, decoded the way requests does, else None."""
    if response.status_code not in _REDIRECT_STATUSES:
        return None
    location = response.headers.get("location")
    if not location:
        return None
    with contextlib.suppress(UnicodeError):  # headers are latin-1 on the wire, mostly UTF-8
        location = location.encode("latin1").decode("utf-8")
    return location.strip()


def _mime_and_charset(content_type: str) -> tuple[str, str | None]:
    mime, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower() or None
    return mime.strip().lower(), charset


def _accepts(mime: str, accept: tuple[str, ...]) -> bool:
    wanted = {item.strip().lower() for item in accept}
    major = mime.split("/", 1)[0]
    return ANY_CONTENT_TYPE in wanted or mime in wanted or f"{major}/*" in wanted


def _status_error(status: int, url: str) -> FetchError:
    if status >= 500:
        return FetchError(
            "http_status",
            f"The server had an error (HTTP {status}); try again later.",
            permanent=False,
            url=url,
            status=status,
        )
    if status in _TEMPORARY_CLIENT_ERRORS:
        return FetchError(
            "http_status",
            f"The server asks us to try again later (HTTP {status}).",
            permanent=False,
            url=url,
            status=status,
        )
    return FetchError(
        "http_status",
        f"The server refused the page (HTTP {status}).",
        permanent=True,
        url=url,
        status=status,
    )


def _result(
    response: requests.Response,
    *,
    requested_url: str,
    final_url: str,
    accept: tuple[str, ...],
    max_bytes: int,
    truncate: bool,
    started: float,
    timeout: float,
    deadline: float,
) -> FetchResult:
    """Turn a non-redirect response into a FetchResult, or raise why it is not usable."""
    status = response.status_code
    headers = {name.lower(): value for name, value in response.headers.items()}
    content_type, charset = _mime_and_charset(headers.get("content-type", ""))
    not_modified = status == 304
    if not not_modified and not 200 <= status < 300:
        raise _status_error(status, final_url)
    if not_modified:
        body = b""
    else:
        if not _accepts(content_type, accept):
            raise FetchError(
                "content_type",
                f"The page is “{content_type or 'of no declared type'}”, "
                f"not one of {', '.join(accept)}.",
                permanent=True,
                url=final_url,
                status=status,
            )
        body = _read_body(
            response,
            url=final_url,
            max_bytes=max_bytes,
            truncate=truncate,
            timeout=timeout,
            deadline=deadline,
        )
    return FetchResult(
        requested_url=requested_url,
        final_url=final_url,
        status=status,
        headers=headers,
        body=body,
        content_type=content_type,
        charset=charset,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        not_modified=not_modified,
        elapsed_seconds=time.monotonic() - started,
    )


def _too_large(url: str, max_bytes: int) -> FetchError:
    return FetchError(
        "too_large",
        f"The page is larger than the {max_bytes:,} bytes we accept.",
        permanent=True,
        url=url,
    )


def _deadline_passed(url: str) -> FetchError:
    return FetchError("timeout", "The page took too long to download.", permanent=False, url=url)


def _wait_limit(timeout: float, deadline: float, url: str) -> float:
    """How long the next socket wait may last: the read timeout, capped by the deadline."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _deadline_passed(url)
    return min(timeout, remaining)


def _read_body(
    response: requests.Response,
    *,
    url: str,
    max_bytes: int,
    truncate: bool,
    timeout: float,
    deadline: float,
) -> bytes:
    """Read at most ``max_bytes`` of decoded body, refusing (or truncating) beyond that.

    ``iter_content`` would block until a whole chunk arrived, so a server dripping one byte at a
    time could hold us far past the deadline. ``read1`` returns after a single ``recv``, and the
    socket's timeout is lowered to what is left of the deadline before each read.
    """
    declared = response.headers.get("content-length", "").strip()
    if not truncate and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(url, max_bytes)
    raw = response.raw
    connection = raw.connection
    sock = getattr(connection, "sock", None) if connection is not None else None
    body = bytearray()
    try:
        while True:
            wait = _wait_limit(timeout, deadline, url)
            if sock is not None:
                sock.settimeout(wait)
            chunk = raw.read1(_CHUNK_SIZE, decode_content=True)
            if not chunk:
                break
            body += chunk
            if len(body) > max_bytes:
                if truncate:
                    return bytes(body[:max_bytes])
                raise _too_large(url, max_bytes)
    except FetchError:
        raise
    except DecodeError as exc:
        raise FetchError(
            "decoding", "The page's compression is broken.", permanent=True, url=url
        ) from exc
    except (Urllib3HTTPError, OSError) as exc:
        if isinstance(exc, Urllib3TimeoutError | TimeoutError):
            if time.monotonic() >= deadline:
                raise _deadline_passed(url) from exc
            raise FetchError(
                "timeout", "The server stopped sending the page.", permanent=False, url=url
            ) from exc
        raise FetchError(
            "connection", "The connection broke while reading the page.", permanent=False, url=url
        ) from exc
    return bytes(body)
