"""What may be contacted: the URL check, the address policy, and resolving a host under it.

:func:`url_check` refuses every URL but an absolute http(s) one with an unambiguous host, no
userinfo and a valid port. :func:`resolve_host` resolves the host itself and judges *every*
address it gets with an :data:`AddressPolicy`; the transport then connects to the address it
returns, never to the name. The default policy, :func:`settings_address_policy`, allows only
globally routable unicast addresses (:func:`address_is_public`) unless
``settings.FETCH_ALLOW_PRIVATE`` is on (tests and the local demo only). With
``settings.FETCH_LOOPBACK_ONLY`` (the soak, bench/soak) only loopback hosts are contacted at all.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from urllib3.exceptions import LocationParseError
from urllib3.util import connection as urllib3_connection
from urllib3.util import parse_url

from apps.lib.fetch.errors import FetchError

__all__ = [
    "DEFAULT_PORTS",
    "AddressPolicy",
    "IPAddress",
    "address_is_allowed",
    "address_is_public",
    "contacted_host",
    "resolve_host",
    "settings_address_policy",
    "sockaddr_ip",
    "url_check",
]

logger = logging.getLogger(__name__)

type IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: Decides whether an address may be contacted. Called once per resolved address before
#: connecting and once with the socket's peer address after connecting.
type AddressPolicy = Callable[[IPAddress], bool]

#: The only schemes we fetch, and the port each connects to when the URL names none.
DEFAULT_PORTS: Final = {"http": 80, "https": 443}

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
    if scheme not in DEFAULT_PORTS:
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


def sockaddr_ip(sockaddr: tuple[Any, ...]) -> IPAddress:
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
    if settings.FETCH_LOOPBACK_ONLY and not _names_loopback(host):
        # Before any lookup: a run that must stay on this machine resolves no outside name.
        raise FetchError(
            "address",
            f"Only loopback addresses may be fetched here (FETCH_LOOPBACK_ONLY), not “{host}”.",
            permanent=True,
        )
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as exc:
        raise FetchError("url", f"“{host}” is not a valid host name.", permanent=True) from exc
    except OSError as exc:  # socket.gaierror and friends
        raise FetchError(
            "dns", f"The host “{host}” could not be resolved.", permanent=False
        ) from exc
    addresses = [
        sockaddr_ip(info[4]) for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)
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


def _names_loopback(host: str) -> bool:
    """Whether ``host`` is ``localhost`` or a loopback address literal."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _has_ipv6() -> bool:
    """Whether this machine can use IPv6 at all (urllib3's own probe, binding ``::1``)."""
    return bool(getattr(urllib3_connection, "HAS_IPV6", False))
