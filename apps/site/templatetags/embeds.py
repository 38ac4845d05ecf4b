"""The "Embed" block of a lab page: the HTML a newsroom copies, for the badge and the timeline."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language, get_language_from_path
from django.utils.translation import gettext as _

from apps.catalog.models import Company

register = template.Library()

TIMELINE_HEIGHT = 300  # pixels: the band, its axis, the heading and the attribution


def _embed_path(name: str, company: Company) -> str:
    """The address of an embed in the reader's language: the language prefix where the site
    has one in its URLs, else ?lang= (the embeds never read a cookie)."""
    path = reverse(name, kwargs={"slug": company.slug})
    language = get_language() or settings.LANGUAGE_CODE
    if language != settings.LANGUAGE_CODE and get_language_from_path(path) is None:
        path += "?" + urlencode({"lang": language})
    return path


@register.inclusion_tag("site/_embed_snippet.html")
def embed_snippet(company: Company) -> dict[str, Any]:
    badge_path = _embed_path("embed_lab_badge", company)
    badge_alt = _("%(name)s: stance on releasing AI models openly, from Aperture") % {
        "name": company.name
    }
    # The HTML to copy, escaped once as HTML (the lab's name is text in an attribute); the page
    # escapes it again to show it in a text area.
    badge_html = format_html(
        '<a href="{}"><img src="{}" alt="{}" height="20"></a>',
        settings.SITE_URL + company.get_absolute_url(),
        settings.SITE_URL + badge_path,
        badge_alt,
    )
    timeline_html = format_html(
        '<iframe src="{}" title="{}" width="100%" height="{}" loading="lazy"></iframe>',
        settings.SITE_URL + _embed_path("embed_lab", company),
        _("%(name)s: stance over time, from Aperture") % {"name": company.name},
        TIMELINE_HEIGHT,
    )
    return {
        # The preview on the page itself: a path, so that it loads from wherever the page does.
        "badge_path": badge_path,
        "badge_alt": badge_alt,
        "badge_html": badge_html,
        "timeline_html": timeline_html,
    }
