"""The reader's language lives in the address of every public page (docs/i18n.md).

English pages keep the addresses they always had (``/labs/meta/``) and Japanese ones live under
``/ja/`` (``/ja/labs/meta/``): Django's ``i18n_patterns`` with ``prefix_default_language=False``
in config/urls.py. A shared link therefore opens the same page in the same language for
everyone; no cookie and no Accept-Language header changes what an address shows.

Paths outside ``i18n_patterns`` (the admin, ``/healthz``, ``/i18n/``, the demo feeds) have no
language of their own, and keep following the reader's language cookie or Accept-Language as
they did before. Django's LocaleMiddleware would give them the default language, which would
turn the admin English for every Japanese editor, hence :class:`LanguageMiddleware`.

:func:`language_versions` is the context processor behind the ``hreflang`` alternates and the
language switch in base.html: the same page, and the same query, in each language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.urls import NoReverseMatch, is_valid_path, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _

__all__ = ["LanguageMiddleware", "LanguageVersion", "language_versions"]


def _other_language() -> str:
    return next(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


def path_has_language(path: str, urlconf: str | None = None) -> bool:
    """Whether ``path`` is a public page whose address names its language.

    A path inside i18n_patterns resolves only in the language its prefix names (no prefix:
    the default language), so with another language active an unprefixed public path does not
    resolve, while a path outside i18n_patterns resolves whatever the language.
    """
    if translation.get_language_from_path(path):
        return True
    with translation.override(_other_language()):
        outside = is_valid_path(path, urlconf)
    return not outside


class LanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware, except that a path without a language of its own keeps negotiating
    one (cookie, then Accept-Language) instead of getting the default language."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        urlconf = getattr(request, "urlconf", None)
        request.language_in_path = path_has_language(request.path_info, urlconf)  # type: ignore[attr-defined]
        if not request.language_in_path:  # type: ignore[attr-defined]
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        # Every page offers the reader's preferred language when it is not the page's own
        # (language_versions), so every page varies with it; Django adds this only to pages
        # without a language prefix.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str  # in its own language: "English", "日本語"
    path: str  # the page in this language, without the query (hreflang alternates)
    url: str  # the same with the request's query (the language switch keeps the filters)
    current: bool
    invitation: str  # "Read this page in English", in that language


def _path_in(request: HttpRequest, language: str) -> str | None:
    match = request.resolver_match
    if match is None:
        return None
    with translation.override(language):
        try:
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return None


def _stated_preference(request: HttpRequest) -> str | None:
    """The language the reader's browser or an earlier choice asks for, if it says anything."""
    stated = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or request.META.get(
        "HTTP_ACCEPT_LANGUAGE"
    )
    if not stated:
        return None
    return translation.get_language_from_request(request)


def language_versions(request: HttpRequest) -> dict[str, object]:
    """The page in each language, for templates: ``language_versions`` (the switch and the
    hreflang alternates, empty outside the public pages), ``x_default_path`` and
    ``language_offer`` (the version in the reader's preferred language when the page is in
    another one)."""
    if not getattr(request, "language_in_path", False):
        return {"language_versions": []}
    current = translation.get_language()
    query = request.META.get("QUERY_STRING", "")
    versions = []
    for code, _name in settings.LANGUAGES:
        path = _path_in(request, code)
        if path is None:
            return {"language_versions": []}
        info = translation.get_language_info(code)
        with translation.override(code):
            invitation = _("Read this page in %(language)s") % {"language": info["name_local"]}
        versions.append(
            LanguageVersion(
                code=code,
                name=info["name_local"],
                path=path,
                url=path + (f"?{iri_to_uri(query)}" if query else ""),
                current=code == current,
                invitation=invitation,
            )
        )
    preferred = _stated_preference(request)
    offer = next((v for v in versions if v.code == preferred and not v.current), None)
    default = next(v for v in versions if v.code == settings.LANGUAGE_CODE)
    return {"language_versions": versions, "x_default_path": default.path, "language_offer": offer}
