"""The one HTTP client every fetch in the project goes through, safe against SSRF.

Aperture fetches pages whose URLs come from outside (an editor pastes a link, a feed lists one, a
page redirects somewhere). Without care, such a URL can make the server talk to itself or to its
private network: ``http://127.0.0.1:6379/``, the cloud metadata service at ``169.254.169.254``, a
name that resolves to ``10.0.0.5``, a public page that redirects to any of those, or a name whose
DNS answer changes between our check and our connect (DNS rebinding). This package is the single
place that decides what may be contacted, so the rest of the code must never import ``requests``
to fetch anything itself. Import what you need from ``apps.lib.fetch``; the names below are the
whole public interface, the submodules are how it is built.

How it is safe:

* :func:`url_check` refuses everything but absolute ``http``/``https`` URLs with a host, with no
  userinfo (``user:pass@``) and a port in 1..65535, on the first hop and on every redirect hop.
* The host is resolved by us (:func:`resolve_host`, ``socket.getaddrinfo``), *every* address it
  resolves to is judged by the address policy, and the connection is made to the checked IP
  itself, not to the name, so a second DNS answer can never be used. Numeric spellings such as
  ``2130706433``, ``0x7f000001`` or ``127.1`` are whatever ``getaddrinfo`` makes of them, i.e.
  127.0.0.1, and are judged as such.
* Defence in depth: after the TCP connection is made, the socket's peer address is judged again
  (:class:`~apps.lib.fetch.transport.PinnedAdapter` installs connection classes that do this),
  so even a bug in the pinning cannot reach a refused address with an HTTP request.
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
* No proxies from the environment, no ``.netrc``, no cookies, no retries, no
  ``requests.Session`` (it reads whole redirect bodies with no limit): nothing but the request
  we mean to send.
* robots.txt is honoured (see :func:`robots_allows`).

Credentials are never sent, logged or returned: URLs with userinfo are refused, and URLs are
passed through :func:`redact_url` before they go into messages or logs.

Why our own client rather than requests-hardened (a dependency once, since dropped): its IP
filter does pin the resolved IP at connection time, but it judges only the *first* address
``getaddrinfo`` returns, its only opt-out allows loopback but not the private ranges a local demo
may need, its block list is not ours (it relies on ``ipaddress.is_private``, which differs
between Python patch releases), the policy cannot be injected for tests, and it does not
re-check the peer after connecting. So this package does the same pinning trick (replace the
pool host by the checked IP, keep the name in the Host header, SNI and certificate check) with
our policy, plus the peer check.

The modules, each depending only on those above it:

* :mod:`~apps.lib.fetch.errors`: :class:`FetchError` (a reason, permanent or not),
  :class:`FetchResult` and :func:`redact_url`.
* :mod:`~apps.lib.fetch.policy`: what may be contacted: :func:`url_check`, the address policy
  and :func:`resolve_host`; also :func:`contacted_host`, the host a URL really connects to.
* :mod:`~apps.lib.fetch.transport`: the pinned adapter, the peer check, sending one request,
  reading a body within the size limit and the deadline.
* :mod:`~apps.lib.fetch.responses`: status codes and content types, from a response to a result.
* :mod:`~apps.lib.fetch.redirects`: a GET that follows redirects hop by hop, each hop checked.
* :mod:`~apps.lib.fetch.robots`: robots.txt, fetched with that GET and cached per origin.
* :mod:`~apps.lib.fetch.client`: :func:`fetch` and :func:`post`, what the rest of the project
  calls.
"""

from __future__ import annotations

from apps.lib.fetch.client import fetch, post
from apps.lib.fetch.errors import FetchError, FetchResult, redact_url
from apps.lib.fetch.policy import (
    AddressPolicy,
    IPAddress,
    address_is_allowed,
    address_is_public,
    contacted_host,
    resolve_host,
    settings_address_policy,
    url_check,
)
from apps.lib.fetch.responses import ANY_CONTENT_TYPE, DEFAULT_ACCEPT
from apps.lib.fetch.robots import robots_allows, robots_cache_clear

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
