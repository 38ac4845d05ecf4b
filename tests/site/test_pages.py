"""The public pages, rendered by the server, read as a reader (or a crawler) gets them."""

from __future__ import annotations

import datetime
import itertools
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from apps.catalog.models import AIModel, Alias, Company, OpennessComponent, Source
from apps.claims.models import StanceChange, Statement
from apps.site.charts import stance_band
from apps.site.templatetags.aperture import precise_date
from tests.factories import company_make, model_make, statement_make

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def parse(html: bytes) -> Tags:
    tags = Tags()
    tags.feed(html.decode())
    return tags


def statement_ids(html: bytes) -> list[int]:
    return [
        int(n) for n in re.findall(rb'<article class="statement[^"]*" id="statement-(\d+)"', html)
    ]


def by_key(key: str) -> Statement:
    return Statement.objects.get(import_key=key)


def meta_published() -> int:
    """How many statements about Meta the seeded record publishes."""
    return Statement.objects.published().filter(company__slug="meta").count()


# -- home ---------------------------------------------------------------------------------------


def test_the_home_page_shows_each_labs_stance_as_a_word_and_a_colour(
    client: Client, seeded: None
) -> None:
    html = client.get("/").content.decode()
    meta_row = html[html.index('href="/labs/meta/"') :].split("</tr>")[0]
    latest = StanceChange.objects.current().filter(company__slug="meta").latest("date", "id")
    assert f'class="stance stance-{latest.new_stance}"' in meta_row
    assert f">{latest.get_new_stance_display()}<" in meta_row
    assert latest.get_rating_display() in meta_row
    assert '<svg class="spark"' in meta_row
    for lab in Company.objects.filter(is_lab=True):
        assert f'href="{lab.get_absolute_url()}"' in html


def test_the_home_page_lists_the_newest_published_statements_first(
    client: Client, seeded: None
) -> None:
    draft = statement_make(company=Company.objects.get(slug="meta"), summary="A draft, unseen")
    html = client.get("/").content
    ids = statement_ids(html)
    expected = list(Statement.objects.published().timeline_order().values_list("id", flat=True))
    assert ids == expected[: len(ids)] and len(ids) == 10
    assert draft.summary.encode() not in html


# -- lab page -----------------------------------------------------------------------------------


def test_the_lab_page_lists_statements_newest_first_with_quote_translation_and_sources(
    client: Client, seeded: None
) -> None:
    response = client.get("/labs/meta/")
    html = response.content.decode()
    ids = statement_ids(response.content)
    expected = Statement.objects.published().filter(company__slug="meta").timeline_order()
    assert ids == [s.pk for s in expected]
    reply = by_key("meta-2025-spokesperson-reply")
    card = html[html.index(f'id="statement-{reply.pk}"') :].split("</article>")[0]
    assert reply.quote and reply.translation and reply.speaker_label
    assert (
        f'<blockquote lang="{reply.quote_language}" dir="auto">{escape(reply.quote)}</blockquote>'
        in card
    )
    assert f'class="translation" lang="{reply.translation_language}"' in card
    assert escape(reply.translation) in card
    assert escape(reply.speaker_label) in card and str(reply.get_kind_display()) in card
    assert str(reply.get_verification_display()) in card and f"stance-{reply.stance}" in card
    publishers = {c.source.publisher.name for c in reply.citations.all() if c.source.publisher}
    assert len(publishers) > 1 and all(escape(name) in card for name in publishers)
    when = precise_date(reply.occurred_on, reply.date_precision)
    assert f'<time datetime="{reply.occurred_on.isoformat()}">{when}</time>' in card


def test_the_lab_page_draws_a_stance_band_with_a_marker_per_change_and_a_table(
    client: Client, seeded: None
) -> None:
    # The combined stance's band, before the "says" and "does" bands.
    tags = parse(client.get("/labs/meta/").content.split(b'id="says-does-heading"')[0])
    changes = StanceChange.objects.current().filter(company__slug="meta")
    markers = [a for a in tags.find("circle") if (a.get("class") or "").startswith("mark ")]
    assert len(markers) == changes.count() > 1
    svg = tags.find("svg", role="group")[0]
    assert svg["aria-labelledby"] == "band-title"
    assert [a["id"] for a in tags.find("tr") if a.get("id")] == [
        f"change-{c.pk}" for c in changes.order_by("date", "id")
    ]


def test_each_band_segment_names_its_stance_in_the_readers_language(
    client: Client, seeded: None
) -> None:
    html = client.get("/ja/labs/meta/").content.decode().split('id="says-does-heading"')[0]
    titles = re.findall(r'<rect class="seg seg-([a-z_]+)"[^>]*><title>([^:<]+):', html)
    changes = StanceChange.objects.current().filter(company__slug="meta").order_by("date", "id")
    assert [stance for stance, _ in titles] == [c.new_stance for c in changes]
    with translation.override("ja"):
        assert [label for _, label in titles] == [str(c.get_new_stance_display()) for c in changes]
    assert "オープン" in {label for _, label in titles}


def test_the_lab_page_shows_its_models_with_status_and_an_openness_matrix(
    client: Client, seeded: None
) -> None:
    html = client.get("/labs/meta/").content.decode()
    matrix = html[html.index('class="matrix"') :].split("</table>")[0]
    models = AIModel.objects.filter(developer__slug="meta")
    assert models.count() > 1
    for ai_model in models:
        row = matrix[matrix.index(f'<a href="{ai_model.get_absolute_url()}">') :].split("</tr>")[0]
        assert f">{escape(ai_model.name)}</a>" in row
        current = ai_model.status_history.order_by("date", "id").last()
        if current is not None:
            assert str(current.get_status_display()) in row
        for component in ai_model.components.all():
            assert f"openness-{component.openness}" in row
    components = OpennessComponent.objects.filter(model__in=models)
    assert components.exists()
    assert all(str(c.get_component_display()) in matrix for c in components)


def test_a_filter_narrows_the_timeline_in_the_page_and_in_the_fragment(
    client: Client, seeded: None
) -> None:
    report = by_key("meta-2025-nyt-closed-report")
    page = client.get("/labs/meta/?kind=unnamed_report")
    assert statement_ids(page.content) == [report.pk]
    assert b'<option value="unnamed_report" selected>' in page.content

    fragment = client.get("/labs/meta/?kind=unnamed_report&stance=&model=", headers=HX)
    assert statement_ids(fragment.content) == [report.pk]
    assert b"<html" not in fragment.content and b'<div id="timeline"' in fragment.content
    # The address bar gets the tidy form of the filters; caches keep page and fragment apart.
    assert fragment["HX-Push-Url"] == "/labs/meta/?kind=unnamed_report"
    assert "HX-Request" in fragment["Vary"] and "HX-Request" in page["Vary"]


@pytest.mark.parametrize(
    ("query", "expected_keys"),
    [
        ("stance=open", ["meta-2025-llama-4-release", "meta-2024-open-source-letter"]),
        ("verification=reported", ["meta-2025-nyt-closed-report"]),
        ("model=llama-4-scout", ["meta-2025-llama-4-release"]),
        ("language=en&kind=executive", ["meta-2024-open-source-letter"]),
        ("since=2025-07-01&until=2025-07-31&kind=official", ["meta-2025-spokesperson-reply"]),
        ("until=2024-12-31", ["meta-2024-open-source-letter"]),
    ],
)
def test_each_filter_keeps_only_the_matching_statements(
    client: Client, seeded: None, query: str, expected_keys: list[str]
) -> None:
    html = client.get(f"/labs/meta/?{query}", headers=HX).content
    assert statement_ids(html) == [by_key(key).pk for key in expected_keys]


def test_a_filter_value_it_does_not_know_is_reported_and_ignored(
    client: Client, seeded: None
) -> None:
    response = client.get("/labs/meta/?kind=gossip&since=yesterday&stance=open")
    assert response.status_code == 200
    assert b"Some filters were not understood" in response.content
    # The valid filter still applies; the invalid ones do not empty the list.
    assert statement_ids(response.content) == [
        by_key("meta-2025-llama-4-release").pk,
        by_key("meta-2024-open-source-letter").pk,
    ]


@pytest.mark.slow  # dozens of statements published one by one
def test_load_more_pages_by_cursor_to_the_end_without_gaps_or_repeats(client: Client) -> None:
    lab = company_make()
    day = datetime.date(2025, 1, 1)
    # Several statements share each date: the id must break the tie in the cursor.
    for n in range(45):
        statement_make(company=lab, publish=True, occurred_on=day - datetime.timedelta(days=n // 4))
    expected = list(
        Statement.objects.filter(company=lab).timeline_order().values_list("id", flat=True)
    )
    response = client.get(lab.get_absolute_url())
    seen = statement_ids(response.content)
    html = response.content.decode()
    pages = 1
    while match := re.search(r'hx-get="([^"]*after=[^"]+)"', html):
        url = match.group(1).replace("&amp;", "&")
        fragment = client.get(url, headers=HX)
        assert b"<html" not in fragment.content
        seen += statement_ids(fragment.content)
        html = fragment.content.decode()
        pages += 1
    assert seen == expected
    assert pages == 3


@pytest.mark.slow  # dozens of statements published one by one
def test_load_more_without_javascript_is_a_whole_page_that_keeps_the_filters(
    client: Client, seeded: None
) -> None:
    lab = company_make()
    for n in range(50):
        statement_make(company=lab, publish=True, stance="open" if n % 2 else "closed")
    first = client.get(f"{lab.get_absolute_url()}?stance=open").content.decode()
    href = re.search(r'<a class="button" href="([^"]+)"', first)
    assert href is not None and "stance=open" in href.group(1)
    second = client.get(href.group(1).replace("&amp;", "&"))
    assert b"<html" in second.content and b"Older statements." in second.content
    assert all(
        Statement.objects.get(pk=pk).stance == "open" for pk in statement_ids(second.content)
    )


def test_a_broken_cursor_is_reported_and_the_newest_page_shown(
    client: Client, seeded: None
) -> None:
    response = client.get("/labs/meta/?after=yesterday.1")
    assert response.status_code == 200
    assert b"That page link is not valid." in response.content
    assert len(statement_ids(response.content)) == meta_published()


def test_a_lab_that_does_not_exist_is_not_found(client: Client, seeded: None) -> None:
    assert client.get("/labs/nobody/").status_code == 404


# -- model and statement pages ------------------------------------------------------------------


def test_the_model_page_shows_status_history_components_with_evidence_and_statements(
    client: Client, seeded: None
) -> None:
    behemoth = AIModel.objects.get(slug="llama-4-behemoth")
    html = client.get(behemoth.get_absolute_url()).content.decode()
    assert f"<h1>{escape(behemoth.name)}</h1>" in html
    history = html[html.index('class="status-history"') :].split("</ol>")[0]
    entries = list(behemoth.status_history.all())
    assert len(entries) > 1
    assert all(f"<strong>{e.get_status_display()}</strong>" in history for e in entries)
    # A month-precision entry shows only the month; a reported one says it is not confirmed.
    by_month = behemoth.status_history.filter(date_precision="month").first()
    assert by_month is not None
    month = precise_date(by_month.date, "month")
    assert f'<time datetime="{by_month.date.isoformat()}">{month}</time>' in history
    assert behemoth.status_history.filter(is_reported=True).exists()
    assert "reported, not confirmed" in history
    components = html[html.index('class="components"') :].split("</table>")[0]
    assert 'rel="noopener"' in components
    assert f'id="statement-{by_key("meta-2025-nyt-closed-report").pk}"' in html


def _statements_about(ai_model: AIModel, count: int) -> list[int]:
    """``count`` published statements about ``ai_model``, several to a date, in timeline order."""
    day = datetime.date(2025, 1, 1)
    for n in range(count):
        statement = statement_make(
            company=ai_model.developer,
            publish=True,
            occurred_on=day - datetime.timedelta(days=n // 4),
        )
        statement.ai_models.add(ai_model)
    statement_make(company=ai_model.developer, publish=True)  # about the lab, not this model
    return list(
        Statement.objects.filter(ai_models=ai_model).timeline_order().values_list("id", flat=True)
    )


@pytest.mark.slow  # dozens of statements published one by one
def test_the_model_page_pages_its_statements_by_cursor_to_the_end(client: Client) -> None:
    ai_model = model_make(developer=company_make())
    expected = _statements_about(ai_model, 45)
    response = client.get(ai_model.get_absolute_url())
    seen = statement_ids(response.content)
    assert len(seen) == 20
    html = response.content.decode()
    pages = 1
    while match := re.search(r'hx-get="([^"]*after=[^"]+)"', html):
        url = match.group(1).replace("&amp;", "&")
        fragment = client.get(url, headers=HX)
        assert b"<html" not in fragment.content
        seen += statement_ids(fragment.content)
        html = fragment.content.decode()
        pages += 1
    assert seen == expected
    assert pages == 3


@pytest.mark.slow  # dozens of statements published one by one
def test_the_model_pages_load_more_works_without_javascript(client: Client) -> None:
    ai_model = model_make(developer=company_make())
    expected = _statements_about(ai_model, 25)
    first = client.get(ai_model.get_absolute_url()).content.decode()
    href = re.search(r'<a class="button" href="([^"]+)"', first)
    assert href is not None
    second = client.get(href.group(1).replace("&amp;", "&"))
    assert b"<html" in second.content and b"Older statements." in second.content
    assert statement_ids(second.content) == expected[20:]
    assert b"Load more" not in second.content


def test_a_broken_cursor_on_the_model_page_is_reported_and_the_newest_page_shown(
    client: Client,
) -> None:
    ai_model = model_make(developer=company_make())
    expected = _statements_about(ai_model, 3)
    response = client.get(f"{ai_model.get_absolute_url()}?after=yesterday.1")
    assert response.status_code == 200
    assert b"That page link is not valid." in response.content
    assert statement_ids(response.content) == expected


def test_the_statement_page_shows_the_provenance_chain_with_links_both_ways(
    client: Client, seeded: None
) -> None:
    report = by_key("meta-2025-nyt-closed-report")
    html = client.get(report.get_absolute_url()).content.decode()
    nyt = Source.objects.get(publisher__slug="nytimes")
    techcrunch = Source.objects.get(publisher__slug="techcrunch")
    gigazine = Source.objects.get(publisher__slug="gigazine")
    gigazine_card = html[html.index(f'id="source-{gigazine.pk}"') :].split("</li>")[0]
    # GIGAZINE (tertiary, Japanese) cites TechCrunch and NYT, both also cited here: in-page links.
    assert f'href="#source-{nyt.pk}"' in gigazine_card
    assert f'href="#source-{techcrunch.pk}"' in gigazine_card
    assert "tertiary" in gigazine_card and 'hreflang="ja"' in gigazine_card
    nyt_card = html[html.index(f'id="source-{nyt.pk}"') :].split("</li>")[0]
    assert "Cited by" in nyt_card and f'href="#source-{gigazine.pk}"' in nyt_card
    # The spokesperson's reply denies this report: the link shows from this side too.
    reply = by_key("meta-2025-spokesperson-reply")
    assert f'href="{reply.get_absolute_url()}"' in html and "denies this statement" in html


def test_the_statement_page_marks_a_primary_source(client: Client, seeded: None) -> None:
    letter = by_key("meta-2024-open-source-letter")
    html = client.get(letter.get_absolute_url()).content.decode()
    provenance = html[html.index('class="provenance"') :].split("</ol>")[0]
    assert '<span class="primary">primary source</span>' in provenance


def test_the_statement_page_shows_its_public_revision_history(client: Client, seeded: None) -> None:
    item = by_key("meta-2025-spokesperson-reply")
    item.summary = item.summary + " (corrected)"
    item.save()
    html = client.get(item.get_absolute_url()).content.decode()
    history = html[html.index('class="history"') :].split("</ol>")[0]
    assert "Published" in history
    assert "Changed: editor&#x27;s summary" in history


def test_a_statement_with_no_recorded_revisions_still_opens(client: Client) -> None:
    # Rows made in bulk (the generated timeline, an import) have no history records.
    item = statement_make(company=company_make(), publish=True)
    item.history.all().delete()
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    assert item.summary.encode() in response.content


def test_the_statement_page_carries_claim_review_json_ld_with_the_csp_nonce(
    client: Client, seeded: None
) -> None:
    report = by_key("meta-2025-nyt-closed-report")
    response = client.get(report.get_absolute_url())
    tags = parse(response.content)
    [(attrs, text)] = [s for s in tags.scripts if s[0].get("type") == "application/ld+json"]
    data = json.loads(text)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == report.summary
    assert data["reviewRating"]["alternateName"] == "reported"
    assert {a["url"] for a in data["itemReviewed"]["appearance"]} == {
        c.source.url for c in report.citations.all()
    }
    assert f"'nonce-{attrs['nonce']}'" in response["Content-Security-Policy"]


def test_a_draft_statement_is_not_found_and_a_retracted_one_says_so(
    client: Client, seeded: None, reviewer: object
) -> None:
    from apps.claims import services

    draft = statement_make(company=Company.objects.get(slug="meta"))
    assert client.get(draft.get_absolute_url()).status_code == 404
    item = by_key("meta-2025-llama-4-release")
    services.statement_retract(statement=item, user=reviewer, reason="Wrong date")  # type: ignore[arg-type]
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'class="retracted"' in html and "Wrong date" in html


# -- every page ---------------------------------------------------------------------------------

PAGES = [
    "/",
    "/labs/meta/",
    "/models/llama-4-behemoth/",
    "statement",
    "/compare/?labs=meta,openai",
    "/search/?q=Meta",
    "/labs/meta/why/?on=2025-07-14",
    "/about/",
]


def _url(page: str) -> str:
    return by_key("meta-2025-nyt-closed-report").get_absolute_url() if page == "statement" else page


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_title_canonical_link_and_open_graph_tags(
    client: Client, seeded: None, page: str, settings: object
) -> None:
    url = _url(page)
    response = client.get(url)
    html = response.content.decode()
    tags = parse(response.content)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None and "Aperture" in title.group(1) and len(title.group(1)) > 8
    [canonical] = tags.find("link", rel="canonical")
    assert canonical["href"] == f"http://127.0.0.1:8000{url.split('?')[0]}"
    for prop in ("og:title", "og:type", "og:url", "og:description", "og:locale"):
        assert tags.find("meta", property=prop), prop


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_landmarks_one_h1_and_headings_in_order(
    client: Client, seeded: None, page: str
) -> None:
    tags = parse(client.get(_url(page)).content)
    names = [t for t, _ in tags.tags]
    assert {"header", "nav", "main", "footer"} <= set(names)
    levels = [int(t[1]) for t in names if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


@pytest.mark.parametrize("page", PAGES)
def test_every_script_carries_the_csp_nonce_and_htmx_is_served_from_our_static_files(
    client: Client, seeded: None, page: str
) -> None:
    response = client.get(_url(page))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None
    scripts = parse(response.content).scripts
    assert scripts and all(attrs.get("nonce") == nonce.group(1) for attrs, _ in scripts)
    assert any(
        (attrs.get("src") or "").startswith("/static/django_htmx/htmx") for attrs, _ in scripts
    )
    assert b" style=" not in response.content  # inline styles would be blocked too


# -- compare and search -------------------------------------------------------------------------


def test_compare_draws_one_band_per_lab_on_one_time_axis(client: Client, seeded: None) -> None:
    html = client.get("/compare/?labs=openai,meta,nobody").content.decode()
    headings = re.findall(r'<h2 id="lab-([a-z-]+)"', html)
    assert headings == ["openai", "meta"]
    assert "Not found" in html and "nobody" in html
    # One axis: the earliest change of either lab sits at the same x in both bands.
    changes = StanceChange.objects.current().filter(company__slug__in=["meta", "openai"])
    first_meta = changes.filter(company__slug="meta").order_by("date").first()
    assert first_meta is not None
    xs = re.findall(r'<circle class="mark[^"]*" cx="([\d.]+)%"', html)
    assert len(xs) == changes.count()
    assert len(re.findall(r'<svg class="band-svg" width="100%"', html)) == 2


def test_compare_without_a_choice_shows_two_labs_and_a_form_that_works_without_javascript(
    client: Client, seeded: None
) -> None:
    html = client.get("/compare/").content.decode()
    assert html.count('<section aria-labelledby="lab-') == 2
    assert '<form class="compare-form" method="get"' in html
    both = client.get("/compare/?labs=meta&labs=xai").content.decode()
    assert re.findall(r'<h2 id="lab-([a-z-]+)"', both) == ["meta", "xai"]


def _lab_by_a_japanese_alias() -> tuple[str, str]:
    alias = Alias.objects.filter(company__slug="meta", language="ja").first()
    assert alias is not None and alias.company is not None
    lab = alias.company
    return alias.name, f'<a href="{lab.get_absolute_url()}">{escape(lab.name)}</a>'


def _model_by_a_word_of_its_name() -> tuple[str, str]:
    behemoth = AIModel.objects.get(slug="llama-4-behemoth")
    link = f'<a href="{behemoth.get_absolute_url()}">{escape(behemoth.name)}</a>'
    return behemoth.name.split()[-1], link


def _source_by_its_publisher() -> tuple[str, str]:
    source = Source.objects.filter(
        publisher__slug="techcrunch", citations__statement__in=Statement.objects.published()
    ).first()
    assert source is not None and source.publisher is not None
    return source.publisher.name, escape(source.title)


def _statement_by_words_in_its_translation() -> tuple[str, str]:
    letter = by_key("meta-2024-open-source-letter")
    assert letter.translation_language == "ja"
    return letter.translation[:12], escape(letter.summary)


def _statement_by_its_speaker() -> tuple[str, str]:
    label = by_key("meta-2025-spokesperson-reply").speaker_label
    return label.split()[-1], escape(label)


@pytest.mark.parametrize(
    "search",
    [
        _lab_by_a_japanese_alias,
        _model_by_a_word_of_its_name,
        _source_by_its_publisher,
        _statement_by_words_in_its_translation,
        _statement_by_its_speaker,
    ],
    ids=lambda search: search.__name__.strip("_"),
)
def test_search_finds_labs_models_sources_and_statements_in_english_and_japanese(
    client: Client, seeded: None, search: Callable[[], tuple[str, str]]
) -> None:
    query, expected = search()
    html = client.get("/search/", {"q": query}).content.decode()
    assert expected in html


def test_search_forgives_a_typo_on_postgresql(client: Client, seeded: None) -> None:
    from django.db import connection

    assert connection.vendor == "postgresql", "the test suite runs on PostgreSQL"
    label = by_key("meta-2025-spokesperson-reply").speaker_label
    word = label.split()[-1]
    assert len(word) > 6
    typo = word[:7] + word[8:]  # one letter left out, as in "spokesprson"
    html = client.get("/search/", {"q": typo}).content.decode()
    assert escape(label) in html


def test_search_lists_only_sources_that_a_public_statement_cites(client: Client) -> None:
    from apps.claims import services
    from tests.factories import source_make

    lab = company_make()
    published = statement_make(company=lab, publish=True)
    retracted = statement_make(company=lab, publish=True)
    services.statement_retract(statement=retracted, user=None, reason="Wrong date")
    draft = statement_make(company=lab)
    for item, title in [
        (published, "Zebrafish published"),
        (retracted, "Zebrafish retracted"),
        (draft, "Zebrafish draft"),
    ]:
        Source.objects.filter(citations__statement=item).update(title=title)
    source_make(title="Zebrafish ingested")  # an article nobody has cited yet

    html = client.get("/search/", {"q": "Zebrafish"}).content.decode()
    assert "Zebrafish published" in html and "Zebrafish retracted" in html
    assert "Zebrafish draft" not in html
    assert "Zebrafish ingested" not in html


def test_search_as_you_type_gets_only_the_results_fragment(client: Client, seeded: None) -> None:
    response = client.get("/search/", {"q": "GIGAZINE"}, headers=HX)
    assert b"<html" not in response.content and b'<div id="results"' in response.content
    assert "HX-Request" in response["Vary"]
    empty = client.get("/search/", {"q": "zzzzqqqq"}, headers=HX).content.decode()
    assert "0 results" in empty


# -- language -----------------------------------------------------------------------------------


def test_the_reader_can_switch_the_interface_to_japanese(client: Client, seeded: None) -> None:
    reply = by_key("meta-2025-spokesperson-reply")
    with translation.override("ja"):
        japanese_date = precise_date(reply.occurred_on, reply.date_precision)
    english = client.get("/labs/meta/").content.decode()
    assert '<html lang="en">' in english and "Stance over time" in english
    switch = re.search(r'<a href="([^"]+)" hreflang="ja" lang="ja"[^>]*>日本語</a>', english)
    assert switch is not None and switch.group(1) == "/ja/labs/meta/"
    japanese = client.get(switch.group(1)).content.decode()
    assert '<html lang="ja">' in japanese
    assert "スタンスの推移" in japanese and "発言を絞り込む" in japanese
    assert japanese_date in japanese and "年" in japanese_date
    # Content stays in its own language: the English quote is not translated by the interface.
    assert reply.quote_language == "en" and escape(reply.quote) in japanese


@pytest.mark.parametrize(
    ("language", "precision", "expected"),
    [
        ("en", "day", "July 14, 2025"),
        ("en", "month", "July 2025"),
        ("en", "year", "2025"),
        ("ja", "day", "2025年7月14日"),
        ("ja", "month", "2025年7月"),
        ("ja", "year", "2025年"),
    ],
)
def test_a_date_claims_no_more_than_its_precision_in_either_language(
    language: str, precision: str, expected: str
) -> None:
    with translation.override(language):
        assert precise_date(datetime.date(2025, 7, 14), precision) == expected


# -- the band's geometry ------------------------------------------------------------------------


def test_the_band_is_a_step_per_change_with_open_above_closed() -> None:
    lab = Company(name="X", slug="x")
    day = datetime.date
    changes = [
        StanceChange(company=lab, date=day(2024, 1, 1), new_stance="open", score=2),
        StanceChange(company=lab, date=day(2024, 7, 1), new_stance="closed", score=-2),
    ]
    band = stance_band(changes, start=datetime.date(2023, 12, 1), end=datetime.date(2025, 1, 1))
    first, second = band.segments
    assert first.x + first.width == pytest.approx(second.x, abs=0.01)
    assert second.x + second.width == pytest.approx(100, abs=0.01)  # percent of the width
    assert band.markers[0].y < band.markers[1].y  # open is drawn higher than closed
    assert [t.label for t in band.ticks] == ["2024", "2025"]
