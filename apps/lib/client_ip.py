"""The client's address as this site sees it, behind however many proxies the operator runs.

One function for every per-address limit (the alerts subscribe form, the admin login throttle),
so that they all agree on who the client is.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address.

    Behind TRUSTED_PROXY_COUNT proxies, each appending the address it received from to
    X-Forwarded-For, the client is the Nth entry from the right: entries further left are
    whatever the client sent and prove nothing. With no trusted proxy (the default), or a header
    shorter than the proxy chain, it is REMOTE_ADDR.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
