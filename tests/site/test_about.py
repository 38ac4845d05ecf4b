"""/about/: how the record is kept and the stance worked out, in English and in Japanese, with a
worked example whose numbers are the engine's for the seeded record."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from apps.catalog.models import Company
from apps.claims import stance as engine
from apps.claims.explain import stance_explain
from apps.claims.models import Stance, Statement, StatementKind
from apps.claims.services import stance_inputs
from apps.datasets.registry import DATASETS
from apps.site.about import EXAMPLE_LAB, EXAMPLE_ON
from apps.site.templatetags.aperture import as_percent, precise_date, signed

pytestmark = pytest.mark.django_db

SECTIONS = [
    "record",
    "formula",
    "example",
    "contributions",
    "commitments",
    "policy",
    "licences",
    "crawler",
]


def about(client: Client, language: str) -> str:
    response = client.get("/about/" if language == "en" else f"/{language}/about/")
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, row_id: str) -> str:
    start = html.index(f'<tr id="{row_id}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_about_page_has_every_section_in_both_languages(client: Client, language: str) -> None:
    html = about(client, language)
    assert f'<html lang="{language}">' in html
    assert re.findall(r'<section id="([a-z]+)"', html) == SECTIONS
    # Each section is listed in the table of contents.
    assert all(f'href="#{section}"' in html for section in SECTIONS)


def test_the_japanese_page_is_written_in_japanese_not_left_in_english(client: Client) -> None:
    english, japanese = about(client, "en"), about(client, "ja")
    assert "<h1>About Aperture</h1>" in english and "<h1>Apertureについて</h1>" in japanese
    assert "How a stance is worked out" in english
    assert "How a stance is worked out" not in japanese and "スタンスの算出方法" in japanese
    # The interface around the prose follows the language too: table headings, stance names.
    assert "重み" in japanese and "ややオープン" in japanese and "Weight" not in japanese


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_worked_example_prints_what_the_engine_computes_for_the_seeded_record(
    client: Client, seeded: None, language: str
) -> None:
    """The page computes its example from the seed file; the seeded database, run through the
    engine the site uses, must give the same numbers, row by row."""
    company = Company.objects.get(slug=EXAMPLE_LAB)
    evidence, links, pins = stance_inputs(company=company)
    assert all(item.id > 0 for item in evidence), "the seeded record imports no acts"
    keys = dict(Statement.objects.filter(company=company).values_list("id", "import_key"))
    html = about(client, language)
    with translation.override(language):
        explanation = stance_explain(evidence, links, pins, on=EXAMPLE_ON)
        assert len(explanation.contributions) == 4
        for contribution in explanation.contributions:
            cells = row(html, f"example-{keys[contribution.item.id]}")
            assert f'<td class="num weight">{floatformat(contribution.weight, 3)}</td>' in cells
            assert f'<td class="num share">{as_percent(contribution.share)}</td>' in cells
            assert f'<td class="num pull">{signed(contribution.pull)}</td>' in cells
            assert precise_date(contribution.item.occurred_on) in cells
        score = signed(explanation.score, 2)
        assert f'<td class="num total-score">{score}</td>' in html
        day_before = engine.stance_score_at(
            evidence, links, EXAMPLE_ON - datetime.timedelta(days=1)
        )
        example = html[html.index('<section id="example"') : html.index('<section id="contrib')]
        # The prose around the table quotes the same scores, before and after.
        assert example.count(score) >= 2 and signed(day_before, 2) in example
    assert explanation.stance == Stance.LEANING_OPEN


def test_the_about_page_gives_the_formulas_own_weights(client: Client) -> None:
    html = about(client, "en")
    kinds = html[html.index('id="kind-weights"') : html.index("</table>", html.index("kind-we"))]
    for kind, weight in engine.KIND_WEIGHT.items():
        if kind == engine.IMPORTED_ACT:
            continue
        label = StatementKind(kind).label
        assert re.search(rf"<td>{label}</td><td class=\"num\">{weight:.1f}</td>", kinds), kind
    imported = engine.KIND_WEIGHT[engine.IMPORTED_ACT] * engine.VERIFICATION_WEIGHT[engine.IMPORTED]
    assert f"It weighs {imported:.1f}" in html
    assert f"half as much after {int(engine.HALF_LIFE_DAYS)} days" in html
    access = html[html.index('id="access-stances"') :]
    for level, stance in [("API access", "leaning_closed"), ("Unreleased", "closed")]:
        assert engine.stance_for_access(level) == stance
        assert re.search(rf">{level}</td><td><span class=\"stance stance-{stance}\"", access)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_licences_name_cc_by_and_each_datasets_licence_and_attribution(
    client: Client, language: str
) -> None:
    html = about(client, language)
    licences = html[html.index('<section id="licences"') : html.index('<section id="crawler"')]
    assert 'rel="license"' in licences and "CC BY 4.0" in licences
    for dataset in DATASETS.values():
        assert f'href="{dataset.homepage}"' in licences
        assert escape(dataset.licence) in licences and escape(dataset.attribution) in licences


def test_the_editorial_policy_gives_the_editors_address_when_there_is_one(
    client: Client, settings: object
) -> None:
    assert "mailto:" not in about(client, "en")
    settings.EDITORS_EMAIL = "editors@aperture.example"  # type: ignore[attr-defined]
    html = about(client, "en")
    policy = html[html.index('<section id="policy"') : html.index('<section id="licences"')]
    assert 'href="mailto:editors@aperture.example"' in policy


def test_the_fetchers_user_agent_points_at_a_page_that_explains_it(
    client: Client, settings: object
) -> None:
    agent = str(settings.FETCH_USER_AGENT)  # type: ignore[attr-defined]
    path = re.search(r"\+https?://[^/]+(/[^;) ]*)", agent)
    assert path is not None and path.group(1) == "/about/"
    html = about(client, "en")
    assert "ApertureBot" in agent and "User-agent: ApertureBot" in html


@pytest.mark.parametrize(
    "url", ["/", "/labs/meta/", "/labs/meta/why/", "/compare/", "/search/", "/about/"]
)
def test_every_page_links_to_the_about_page_in_its_navigation_and_footer(
    client: Client, seeded: None, url: str
) -> None:
    html = client.get(url).content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    footer = html[html.index('<footer class="site-footer">') : html.index("</footer>")]
    assert 'href="/about/"' in header and 'href="/about/"' in footer
    assert 'href="/about/#licences"' in footer
