"""The wire: one HTTP request through a connection pinned to the checked address.

:class:`PinnedAdapter` is a requests transport adapter that resolves the host through
:func:`~apps.lib.fetch.policy.resolve_host` and keys its connection pool by the checked IP, so
the connection goes to that IP and never to the name (the name stays in the Host header, the
TLS SNI and the certificate check). Its connections judge the socket's peer address again right
after connecting (:func:`_check_peer`), so even a bug in the pinning cannot deliver a request to
a refused address.

:func:`send_request` sends one request through it and maps every transport failure to a
:class:`~apps.lib.fetch.errors.FetchError`; :func:`read_body` streams the body with a size limit
(decompressed bytes, so a gzip bomb is caught) while :func:`wait_limit` caps every socket wait
by what is left of the call's :func:`total_deadline`.

No ``requests.Session``: ``Session.send(allow_redirects=False)`` still reads the *whole* body of
a redirect response into memory to prepare ``Response.next``, with no size limit. The callers
prepare the request and call the adapter directly, one adapter (one small connection pool) per
call, closed at the end; that is thread-safe by construction. No proxies from the environment,
no ``.netrc``, no cookies, no retries: nothing but the request we mean to send.
"""

from __future__ import annotations

import logging
import socket
import time
from typing import TYPE_CHECKING, Any, Final, cast

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import DecodeError
from urllib3.exceptions import HTTPError as Urllib3HTTPError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError
from urllib3.util import parse_url

from apps.lib.fetch.errors import FetchError
from apps.lib.fetch.policy import DEFAULT_PORTS, AddressPolicy, resolve_host, sockaddr_ip

if TYPE_CHECKING:  # typing-only names from types-requests
    from requests.adapters import _HostParams, _PoolKwargs

__all__ = ["PinnedAdapter", "read_body", "send_request", "total_deadline", "wait_limit"]

logger = logging.getLogger(__name__)

#: Certificate verification for https: True means the certifi bundle requests ships. Tests that
#: run a local TLS server point it at their own CA file; nothing else should change it.
_TLS_VERIFY: bool | str = True

_CHUNK_SIZE: Final = 64 * 1024


def _check_peer(sock: socket.socket, policy: AddressPolicy) -> socket.socket:
    """Judge the address a fresh socket is connected to; close it and refuse if not allowed."""
    try:
        peer = sockaddr_ip(sock.getpeername())
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


class PinnedAdapter(HTTPAdapter):
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
        if not host or scheme not in DEFAULT_PORTS:
            raise FetchError("url", "The URL has no usable host.", permanent=True)
        ip = resolve_host(host, port or DEFAULT_PORTS[scheme], self._policy)

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


def send_request(
    adapter: PinnedAdapter,
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
    if sent.scheme not in DEFAULT_PORTS or sent.auth is not None or not sent.host:
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


def _too_large(url: str, max_bytes: int) -> FetchError:
    return FetchError(
        "too_large",
        f"The page is larger than the {max_bytes:,} bytes we accept.",
        permanent=True,
        url=url,
    )


def _deadline_passed(url: str) -> FetchError:
    return FetchError("timeout", "The page took too long to download.", permanent=False, url=url)


def total_deadline(started: float, timeout: float) -> float:
    """When a call begun at ``started`` must be over: ``settings.FETCH_TOTAL_TIMEOUT_SECONDS``
    after it if set, else four times the per-wait ``timeout``."""
    return started + float(getattr(settings, "FETCH_TOTAL_TIMEOUT_SECONDS", 4 * timeout))


def wait_limit(timeout: float, deadline: float, url: str) -> float:
    """How long the next socket wait may last: the read timeout, capped by the deadline."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _deadline_passed(url)
    return min(timeout, remaining)


def read_body(
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
            wait = wait_limit(timeout, deadline, url)
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
