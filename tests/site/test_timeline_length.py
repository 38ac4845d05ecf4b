"""A long list keeps its length in the address (?shown=N): "load more" sets it, a page load
shows that many, so Back from a statement finds the list as the reader left it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from apps.claims.models import Statement
from apps.site.services import GeneratedTimeline, timeline_generate
from apps.site.timeline import PAGE_SIZE, SHOWN_MAX

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def timeline_50(db: None) -> GeneratedTimeline:
    return timeline_generate(count=50, slug="fifty-lab", name="Fifty Lab")


def _ids(html: bytes) -> list[int]:
    return [
        int(n) for n in re.findall(rb'<article class="statement[^"]*" id="statement-(\d+)"', html)
    ]


def _newest(timeline: GeneratedTimeline, **filters: str) -> list[int]:
    return list(
        Statement.objects.published()
        .filter(company=timeline.company, **filters)
        .order_by("-occurred_on", "-id")
        .values_list("id", flat=True)
    )


def _load_more(html: bytes) -> tuple[str, str]:
    """The "load more" link's plain href and its htmx address."""
    match = re.search(rb'<a class="button" href="([^"]+)"\s+hx-get="([^"]+)"', html)
    assert match is not None, "a load-more link"
    href, hx_get = (m.decode().replace("&amp;", "&") for m in match.groups())
    return href, hx_get


def test_an_address_with_shown_lists_that_many_of_the_newest_and_goes_on_after_them(
    client: Client, timeline_50: GeneratedTimeline
) -> None:
    url = timeline_50.company.get_absolute_url()
    response = client.get(f"{url}?shown=45")
    assert _ids(response.content) == _newest(timeline_50)[:45]
    href, hx_get = _load_more(response.content)
    assert "shown" not in href, "without JavaScript the next page is a page of its own"
    assert hx_get.endswith(f"&shown={45 + PAGE_SIZE}")

    rest = client.get(hx_get, headers=HX)
    assert _ids(rest.content) == _newest(timeline_50)[45:]
    assert rest["HX-Replace-Url"] == f"{url}?shown=50", "the list's true length, replaced"
    assert "HX-Push-Url" not in rest


def test_load_more_replaces_the_address_with_the_length_and_the_filters(
    client: Client, timeline_50: GeneratedTimeline
) -> None:
    url = timeline_50.company.get_absolute_url()
    expected = _newest(timeline_50, quote_language="en")
    assert PAGE_SIZE < len(expected) < len(_newest(timeline_50))
    first = client.get(f"{url}?language=en")
    _, hx_get = _load_more(first.content)
    second = client.get(hx_get, headers=HX)
    length = min(len(expected), 2 * PAGE_SIZE)
    assert second["HX-Replace-Url"] == f"{url}?language=en&shown={length}"
    back = client.get(second["HX-Replace-Url"])  # what Back from a statement loads
    assert _ids(back.content) == expected[:length]


@pytest.mark.parametrize("shown", ["0", "-3", "many", "4.5"])
def test_a_length_that_is_not_a_count_is_reported_and_the_first_page_shown(
    client: Client, timeline_50: GeneratedTimeline, shown: str
) -> None:
    response = client.get(f"{timeline_50.company.get_absolute_url()}?shown={shown}")
    assert response.status_code == 200
    assert _ids(response.content) == _newest(timeline_50)[:PAGE_SIZE]
    assert b'class="form-errors"' in response.content


@pytest.mark.slow
def test_a_length_beyond_the_limit_shows_the_limit(client: Client) -> None:
    timeline = timeline_generate(count=SHOWN_MAX + 5, slug="huge-lab", name="Huge Lab")
    response = client.get(f"{timeline.company.get_absolute_url()}?shown=1000000")
    assert len(_ids(response.content)) == SHOWN_MAX
    _, hx_get = _load_more(response.content)
    assert hx_get.endswith(f"&shown={SHOWN_MAX}")


def test_the_model_page_keeps_its_length_in_the_address_too(client: Client) -> None:
    ai_model = timeline_generate(count=150, slug="model-lab", name="Model Lab").models[0]
    expected = list(
        Statement.objects.published()
        .filter(ai_models=ai_model)
        .order_by("-occurred_on", "-id")
        .values_list("id", flat=True)
    )
    assert PAGE_SIZE < len(expected) < 2 * PAGE_SIZE
    url = ai_model.get_absolute_url()
    _, hx_get = _load_more(client.get(url).content)
    rest = client.get(hx_get, headers=HX)
    assert rest["HX-Replace-Url"] == f"{url}?shown={len(expected)}"
    assert _ids(client.get(rest["HX-Replace-Url"]).content) == expected
