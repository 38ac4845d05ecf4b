"""Embeds: a lab's stance badge (SVG) and its timeline for an iframe, both cacheable, both the
only pages another site may frame; and the lab page's "Embed" block with the HTML to copy."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import parse_http_date

from apps.catalog.models import Company
from apps.claims import services
from apps.claims.models import StanceChange, Statement
from apps.site.badge import LABEL_FILL, NO_STANCE_FILL, STANCE_FILLS, text_width
from tests.factories import company_make, statement_make
from tests.site.test_contrast import contrast

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def current_stance(slug: str) -> StanceChange:
    return StanceChange.objects.current().filter(company__slug=slug).latest("date", "id")


def frame_ancestors(response: Any) -> str:
    policy = response["Content-Security-Policy"]
    [directive] = [d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors")]
    return directive


def badge_parts(content: bytes) -> tuple[ET.Element, list[str], list[str]]:
    """The parsed SVG (ElementTree refuses anything not well-formed), its texts and fills."""
    root = ET.fromstring(content)  # noqa: S314 - our own response, in a test
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    fills = [r.get("fill", "") for r in root.iter(f"{SVG}rect")]
    return root, texts, fills


# -- the badge ------------------------------------------------------------------------------


def test_the_badge_is_well_formed_svg_naming_the_lab_and_its_current_stance(
    client: Client, seeded: None
) -> None:
    response = client.get("/embed/labs/meta/badge.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root, texts, fills = badge_parts(response.content)
    assert root.tag == f"{SVG}svg" and root.get("height") == "20"
    current = current_stance("meta")
    assert texts == ["Meta", current.get_new_stance_display()]
    # Clip shape, then the label's grey and the stance's own colour.
    assert fills[1:] == [LABEL_FILL, STANCE_FILLS[current.new_stance]]
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert title.text.startswith(f"Meta: {current.get_new_stance_display()}")
    assert root.get("aria-label") == title.text and root.get("role") == "img"
    assert root.get(XML_LANG) == "en"
    # The widths add up: the stance starts where the name ends.
    widths = [float(r.get("width", "0")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(widths[1] + widths[2])


def test_the_badge_speaks_japanese_when_asked(client: Client, seeded: None) -> None:
    current = current_stance("meta")
    with translation.override("ja"):
        expected = str(current.get_new_stance_display())
        # Under the Japanese prefix when the site has one in its URLs, else ?lang=ja.
        prefixed = reverse("embed_lab_badge", kwargs={"slug": "meta"})
    for path in ("/embed/labs/meta/badge.svg?lang=ja", prefixed + "?lang=ja"):
        response = client.get(path)
        root, texts, _ = badge_parts(response.content)
        assert texts == ["Meta", expected] and expected != current.new_stance
        assert root.get(XML_LANG) == "ja" and response["Content-Language"] == "ja"


def test_the_badge_ignores_the_language_cookie_so_one_address_is_one_image(
    client: Client, seeded: None
) -> None:
    english = client.get("/embed/labs/meta/badge.svg").content
    client.cookies["django_language"] = "ja"
    assert client.get("/embed/labs/meta/badge.svg").content == english


def test_an_unknown_language_is_a_clear_400(client: Client, seeded: None) -> None:
    for path in ("/embed/labs/meta/badge.svg?lang=jp", "/embed/labs/meta/?lang="):
        response = client.get(path)
        assert response.status_code == 400
        assert "use one of: en, ja" in response.content.decode()


def test_a_lab_with_no_record_gets_a_grey_badge_and_an_unknown_lab_a_404(client: Client) -> None:
    company_make(name="Quiet Lab", slug="quiet")
    _, texts, fills = badge_parts(client.get("/embed/labs/quiet/badge.svg").content)
    assert texts == ["Quiet Lab", "no record"] and fills[-1] == NO_STANCE_FILL
    assert client.get("/embed/labs/nobody/badge.svg").status_code == 404
    assert client.get("/embed/labs/nobody/").status_code == 404


def test_a_hostile_lab_name_stays_text_in_the_badge(client: Client) -> None:
    name = "<Lab> & \"Co\" 'Ltd' ]]>"
    lab = company_make(name=name, slug="hostile")
    statement_make(company=lab, publish=True)
    _, texts, _ = badge_parts(client.get("/embed/labs/hostile/badge.svg").content)
    assert texts[0] == name


def test_a_longer_or_wider_text_makes_a_wider_badge() -> None:
    assert text_width("Meta") < text_width("Meta Superintelligence Labs")
    assert text_width("mmmm") > text_width("iiii")
    # A CJK character is a full em, wider than any Latin letter.
    assert text_width("メタ") == pytest.approx(22.0)


def _palette() -> dict[str, str]:
    css = Path(settings.BASE_DIR, "static", "css", "site.css").read_text()
    # The first :root block is the light scheme the badge draws (an image has no dark mode).
    root = re.search(r":root\{([^}]*)\}", css)
    assert root is not None
    return dict(re.findall(r"--([\w-]+):(#[0-9a-fA-F]{6})\b", root.group(1)))


def test_the_badge_uses_the_sites_stance_palette_and_white_text_reads_on_every_colour() -> None:
    palette = _palette()
    assert {stance: fill.lower() for stance, fill in STANCE_FILLS.items()} == {
        stance: palette[stance.replace("_", "-")].lower() for stance in STANCE_FILLS
    }
    assert palette["muted"] == NO_STANCE_FILL
    for fill in [*STANCE_FILLS.values(), LABEL_FILL, NO_STANCE_FILL]:
        assert contrast("#ffffff", fill) >= 4.5, fill


# -- the timeline for an iframe ---------------------------------------------------------------


def test_the_timeline_is_a_page_without_javascript_with_its_band_a_table_and_attribution(
    client: Client, seeded: None
) -> None:
    response = client.get("/embed/labs/meta/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html
    changes = StanceChange.objects.current().filter(company__slug="meta")
    assert html.count('<rect class="seg seg-') == changes.count() > 1
    assert html.count("<tr><td><time") == changes.count()
    assert '<base target="_blank">' in html
    assert '<a class="embed-lab" href="/labs/meta/">' in html
    assert (
        '<a class="attribution" href="https://creativecommons.org/licenses/by/4.0/" '
        'rel="license">Aperture, CC BY 4.0</a>' in html
    )
    current = current_stance("meta")
    assert f'<span class="stance stance-{current.new_stance}">' in html


def test_the_timeline_speaks_japanese_when_asked(client: Client, seeded: None) -> None:
    html = client.get("/embed/labs/meta/?lang=ja").content.decode()
    assert '<html lang="ja">' in html
    assert "現在のスタンス" in html and "Aperture, CC BY 4.0" in html
    assert "すべての発言と出典" in html


# -- framing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/embed/labs/meta/", "/embed/labs/meta/badge.svg"])
def test_an_embed_may_be_framed_by_any_site(client: Client, seeded: None, path: str) -> None:
    response = client.get(path)
    assert frame_ancestors(response) == "frame-ancestors *"
    assert "X-Frame-Options" not in response
    # The rest of the policy is the site's: no script but ours, no inline style.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.slow
def test_every_other_page_still_refuses_to_be_framed(client: Client, seeded: None) -> None:
    statement = Statement.objects.published().filter(company__slug="meta").first()
    assert statement is not None
    for path in ["/", "/labs/meta/", statement.get_absolute_url(), "/about/", "/search/?q=x"]:
        response = client.get(path)
        assert frame_ancestors(response) == "frame-ancestors 'none'", path
        assert response["X-Frame-Options"] == "DENY", path


def test_the_framing_origins_are_a_setting(client: Client, seeded: None, settings: Any) -> None:
    settings.EMBED_FRAME_ANCESTORS = "https://news.example https://*.paper.example"
    response = client.get("/embed/labs/meta/")
    assert frame_ancestors(response) == (
        "frame-ancestors https://news.example https://*.paper.example"
    )


# -- caching ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/embed/labs/meta/", "/embed/labs/meta/badge.svg?lang=ja"])
def test_an_embed_is_cacheable_and_answers_a_conditional_get_with_304(
    client: Client, seeded: None, path: str
) -> None:
    first = client.get(path)
    assert first["Cache-Control"] == "public, max-age=600"
    assert first["ETag"] and first["Last-Modified"]

    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    # A browser merges a 304's headers into its copy: they must still let it be framed.
    assert frame_ancestors(again) == "frame-ancestors *"
    assert "X-Frame-Options" not in again
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == first["Cache-Control"]
    assert again["Content-Language"] == first["Content-Language"]

    since = client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_new_stance_changes_the_etag_and_the_badge(
    client: Client, seeded: None, reviewer: User
) -> None:
    path = "/embed/labs/meta/badge.svg"
    first = client.get(path)
    meta = Company.objects.get(slug="meta")
    before = current_stance("meta")
    for _ in range(3):  # enough weight to move the formula
        services.statement_publish(
            statement=statement_make(
                company=meta,
                stance="closed",
                kind="action",
                verification="confirmed",
                occurred_on=before.date.replace(year=before.date.year + 1),
            ),
            user=reviewer,
        )
    after = current_stance("meta")
    assert after.new_stance != before.new_stance
    response = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert badge_parts(response.content)[1][1] == after.get_new_stance_display()
    assert response["ETag"] != first["ETag"]


def test_the_timelines_last_modified_is_no_older_than_today(client: Client, seeded: None) -> None:
    # Its band runs to today, so yesterday's copy is stale whatever the record says; the badge
    # has no axis, so it keeps the time of the last change.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    timeline = parse_http_date(client.get("/embed/labs/meta/")["Last-Modified"])
    badge = parse_http_date(client.get("/embed/labs/meta/badge.svg")["Last-Modified"])
    assert timeline >= int(midnight.timestamp())
    assert badge == int(_last_stance_change_time("meta"))


def _last_stance_change_time(slug: str) -> float:
    meta = Company.objects.get(slug=slug)
    times = [
        meta.updated_at,
        *StanceChange.objects.filter(company=meta).values_list("created_at", flat=True),
    ]
    return max(times).timestamp()


# -- the lab page's embed block ----------------------------------------------------------------


class _Textareas(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self._id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "textarea":
            self._id = dict(attrs).get("id") or ""
            self.texts[self._id] = ""

    def handle_data(self, data: str) -> None:
        if self._id is not None:
            self.texts[self._id] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._id = None


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _snippets(html: str) -> dict[str, list[tuple[str, dict[str, str | None]]]]:
    """Each text area's HTML, parsed: what a newsroom gets when it pastes it."""
    areas = _Textareas()
    areas.feed(html)
    parsed = {}
    for key, text in areas.texts.items():
        tags = _Tags()
        tags.feed(text)
        parsed[key] = tags.tags
    return parsed


def test_the_lab_page_shows_the_html_to_embed_the_badge_and_the_timeline(
    client: Client, seeded: None
) -> None:
    html = client.get("/labs/meta/").content.decode()
    assert '<h2 id="embed-heading">Embed</h2>' in html
    snippets = _snippets(html)
    [(a, link), (img, image)] = snippets["embed-badge-code"]
    assert (a, img) == ("a", "img")
    assert link["href"] == settings.SITE_URL + "/labs/meta/"
    assert image["src"] == settings.SITE_URL + "/embed/labs/meta/badge.svg"
    [(iframe, frame)] = snippets["embed-timeline-code"]
    assert iframe == "iframe" and frame["src"] == settings.SITE_URL + "/embed/labs/meta/"
    assert frame["title"] == "Meta: stance over time, from Aperture"
    # The preview on the page is the badge itself.
    assert '<p><img src="/embed/labs/meta/badge.svg"' in html


def test_the_embed_html_on_a_japanese_page_asks_for_japanese(client: Client, seeded: None) -> None:
    client.cookies["django_language"] = "ja"
    with translation.override("ja"):
        path = reverse("lab", kwargs={"slug": "meta"})
        badge = reverse("embed_lab_badge", kwargs={"slug": "meta"})
    html = client.get(path).content.decode()
    assert '<h2 id="embed-heading">埋め込み</h2>' in html
    snippets = _snippets(html)
    [(_iframe, frame)] = snippets["embed-timeline-code"]
    assert frame["title"] == "Meta：スタンスの推移（出典：Aperture）"  # noqa: RUF001
    src = snippets["embed-badge-code"][1][1]["src"] or ""
    # /ja/embed/… where the language is in the URL, else ?lang=ja.
    assert src in (settings.SITE_URL + badge + "?lang=ja", settings.SITE_URL + badge)
    assert src.endswith("?lang=ja") or "/ja/" in src
    assert client.get(src.removeprefix(settings.SITE_URL))["Content-Language"] == "ja"


def test_a_hostile_lab_name_is_escaped_once_in_the_html_to_copy(client: Client) -> None:
    name = 'Evil" onload="alert(1)'
    lab = company_make(name=name, slug="evil")
    statement_make(company=lab, publish=True)
    snippets = _snippets(client.get(lab.get_absolute_url()).content.decode())
    [_a, (_img, image)] = snippets["embed-badge-code"]
    assert image["alt"] == f"{name}: stance on releasing AI models openly, from Aperture"
    assert "onload" not in image
