"""URL canonicalisation: one spelling per page, so the ledger never stores the same source twice.

The ledger keys sources by URL, and the same page arrives spelled many ways: with campaign
parameters from a newsletter, with ``:443`` spelled out, with the query in another order, with a
``#section`` anchor. :func:`url_canonicalize` maps all of those to one string.

It is :func:`w3lib.url.canonicalize_url` (``keep_fragments=False``), which already sorts the query,
normalises percent-encoding, resolves dot segments, lowercases the host and IDNA-encodes it, plus
four steps of our own applied to w3lib's output:

* the scheme and host are lowercased (w3lib keeps the scheme as given in some inputs);
* default ports are dropped (``:80`` for http, ``:443`` for https);
* tracking parameters (:data:`TRACKING_PARAMETERS` and anything starting with ``utm_``) are
  removed, and an emptied query loses its ``?``;
* userinfo (``user:password@``) is dropped: credentials are not part of a page's identity and must
  never end up stored in the public ledger.

Trailing slashes are left exactly as w3lib leaves them: an empty path becomes ``/``
(``http://a.example`` -> ``http://a.example/``) and every other path keeps or lacks its trailing
slash as given, because ``/about`` and ``/about/`` can be different resources on a real server.

The function is idempotent: ``url_canonicalize(url_canonicalize(x)) == url_canonicalize(x)``
(property-tested in ``tests/lib/test_urls.py``).
"""

from __future__ import annotations

from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

__all__ = [
    "TRACKING_PARAMETERS",
    "TRACKING_PREFIXES",
    "is_tracking_parameter",
    "url_canonicalize",
    "web_link",
]

#: Query parameter names (compared lower-cased) that only identify a campaign, a click or a
#: visitor, never the content. ``utm_*`` is matched by prefix, see :data:`TRACKING_PREFIXES`.
TRACKING_PARAMETERS: frozenset[str] = frozenset(
    {
        # Google Analytics / Ads
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "utm_id",
        "utm_name",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "_ga",
        "_gl",
        # Facebook / Instagram / Meta
        "fbclid",
        "igshid",
        "igsh",
        # Microsoft, Yandex, Twitter/X, TikTok, LinkedIn
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "ocid",
        # Mailchimp, HubSpot, Marketo, Vero, Oracle Eloqua
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "vero_id",
        "vero_conv",
        "elqtrackid",
        "elqtrack",
        # News sites (NYT smid/smtyp, CNN/Adobe cmpid, Twitter ref_src, Webtrends)
        "ref_src",
        "ref_url",
        "cmpid",
        "smid",
        "smtyp",
        "s_cid",
        "wt.mc_id",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
    }
)

#: Any parameter whose lower-cased name starts with one of these is tracking.
TRACKING_PREFIXES: tuple[str, ...] = ("utm_",)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_parameter(name: str) -> bool:
    """Whether a (possibly percent-encoded) query parameter name is a tracking parameter."""
    key = unquote(name.replace("+", " ")).strip().lower()
    return key in TRACKING_PARAMETERS or key.startswith(TRACKING_PREFIXES)


def _strip_tracking(query: str) -> str:
    """Drop tracking pairs from a query string already sorted and encoded by w3lib.

    Only removing whole pairs keeps w3lib's order and encoding intact, which is what makes the
    whole canonicalisation idempotent.
    """
    if not query:
        return ""
    kept = [pair for pair in query.split("&") if not is_tracking_parameter(pair.split("=", 1)[0])]
    return "&".join(kept)


def _netloc(parts: SplitResult) -> str:
    """Rebuild the authority without userinfo, lowercased, without a default port."""
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal: urlsplit strips the brackets
        host = f"[{host}]"
    host = host.lower()
    port = parts.port  # raises ValueError for a malformed or out-of-range port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme):
        return f"{host}:{port}"
    return host


def url_canonicalize(url: str) -> str:
    """Return the canonical spelling of an http(s) URL (see the module docstring).

    Raises :class:`ValueError` for anything that is not an absolute http or https URL with a host,
    or whose port is not a number in 1..65535: such a string cannot name a ledger source, and a
    loud error is better than a silently stored wrong key.
    """
    canonical = canonicalize_url(url.strip(), keep_fragments=False)
    parts = urlsplit(canonical)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {scheme or 'no scheme'}")
    parts = parts._replace(scheme=scheme)
    if not parts.hostname:
        raise ValueError("URL has no host")
    port = parts.port
    if port is not None and not 1 <= port <= 65535:
        raise ValueError(f"port out of range: {port}")
    return urlunsplit((scheme, _netloc(parts), parts.path or "/", _strip_tracking(parts.query), ""))


def web_link(url: str) -> str:
    """``url`` if it is an http(s) address fit for a link, else "": an imported value may say
    ``javascript:…``, and a page or the admin must not make a link of it."""
    return url if urlsplit(url).scheme in {"http", "https"} else ""


def url_validate(url: str) -> str:
    """The canonical form of an http(s) URL we may try to fetch, or ValidationError why not."""
    from django.core.exceptions import ValidationError

    from apps.lib.fetch import FetchError, url_check

    try:
        url_check(url.strip())
        return url_canonicalize(url)
    except FetchError as error:
        raise ValidationError(str(error), code=error.reason) from error
    except ValueError as error:
        raise ValidationError(f"The URL is not valid: {error}.", code="url") from error
