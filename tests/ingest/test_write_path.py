"""The per-article write: a fixed number of queries, idempotent, and current with the catalogue."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import Alias, Company
from apps.ingest import cache, services
from apps.ingest.models import Article, Mention, Suggestion
from tests.support.feeds import unique_prose
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.usefixtures("allow_private", "seeded")

FILLER = (
    "The weather in Menlo Park was mild this week, and the cafeteria served soup. "
    "Analysts spent the afternoon reading quarterly reports and drinking coffee. "
)


def page(title: str, *paragraphs: str) -> bytes:
    # Prose of its own per title: pages that differ by a sentence are one syndicated story.
    body = "".join(f"<p>{p}</p>" for p in (FILLER, *paragraphs, FILLER, unique_prose(title)))
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def queue(server: LocalHTTPServer, path: str, body: bytes) -> int:
    server.route(path, body=body)
    (row,), _ = services.article_urls_add(urls=[server.url(path)])
    return row.pk


def stored(article_url_id: int) -> Article:
    result = services.article_ingest(article_url_id=article_url_id)
    assert result.article_id is not None, result.message
    return Article.objects.get(pk=result.article_id)


def ingest(server: LocalHTTPServer, path: str, body: bytes) -> Article:
    return stored(queue(server, path, body))


def test_ingesting_an_article_takes_as_many_queries_whatever_it_mentions(
    http_server: LocalHTTPServer,
) -> None:
    short = page("Short", "Meta said it will release Llama 4 Behemoth as open weights.")
    long = page(
        "Long",
        *(
            f"On day {n} Meta said it will release Llama 4 Behemoth as open weights. "
            f"On day {n} OpenAI said gpt-oss-120b stays open source under the Apache licence. "
            f"Mark Zuckerberg said on day {n} that Meta keeps Llama 4 Maverick open source."
            for n in range(15)
        ),
    )
    short_id, long_id = queue(http_server, "/short", short), queue(http_server, "/long", long)
    cache.reading()  # the first article of a process loads the catalogue; these two reuse it

    with CaptureQueriesContext(connection) as few:
        services.article_ingest(article_url_id=short_id)
    with CaptureQueriesContext(connection) as many:
        services.article_ingest(article_url_id=long_id)
    one, other = (Article.objects.get(urls__id=pk) for pk in (short_id, long_id))

    assert (one.mentions.count(), one.suggestions.count()) == (2, 1)
    assert other.mentions.count() >= 90
    assert other.suggestions.count() == 45
    assert Suggestion.ai_models.through.objects.filter(suggestion__article=other).count() == 45
    # 23: three of them are the near-duplicate check's (the band-key locks, the band-key
    # lookup, the new keys).
    assert len(many.captured_queries) == len(few.captured_queries) <= 23, [
        q["sql"][:80] for q in many.captured_queries
    ]


def test_linking_and_suggesting_again_changes_nothing(http_server: LocalHTTPServer) -> None:
    article = ingest(
        http_server,
        "/a",
        page("Again", "Meta said it will release Llama 4 Behemoth as open weights."),
    )
    suggestions = list(article.suggestions.values_list("id", "company_id", "sentence"))
    links = list(Suggestion.ai_models.through.objects.values_list("suggestion_id", "aimodel_id"))

    mentions = services.mentions_link(article=article)
    assert services.suggestions_make(article=article, mentions=mentions) == []
    assert services.suggestions_make(article=article) == []

    assert list(article.suggestions.values_list("id", "company_id", "sentence")) == suggestions
    assert (
        list(Suggestion.ai_models.through.objects.values_list("suggestion_id", "aimodel_id"))
        == links
    )
    assert article.mentions.count() == len(mentions) == 2


def test_a_sentence_said_twice_in_one_article_is_suggested_once(
    http_server: LocalHTTPServer,
) -> None:
    said = "Meta said it will release Llama 4 Behemoth as open weights."

    article = ingest(http_server, "/twice", page("Twice", said, "Later, again:", said))

    assert article.mentions.filter(ai_model__slug="llama-4-behemoth").count() == 2
    suggestion = article.suggestions.get()
    assert suggestion.sentence == said
    assert [m.slug for m in suggestion.ai_models.all()] == ["llama-4-behemoth"]


def test_an_alias_an_editor_adds_or_renames_is_used_for_the_next_article(
    http_server: LocalHTTPServer,
) -> None:
    sentence = "{} said it will release its next model as open weights, day {}."
    before = ingest(http_server, "/1", page("One", sentence.format("Zorblax", 1)))
    assert not before.mentions.exists()

    alias = Alias.objects.create(company=Company.objects.get(slug="meta"), name="Zorblax")
    added = ingest(http_server, "/2", page("Two", sentence.format("Zorblax", 2)))
    assert added.mentions.get().alias == alias
    assert added.suggestions.get().company.slug == "meta"

    # A rename keeps the number of aliases and their ids: the history row tells the cache.
    alias.name = "Quuxcorp"
    alias.save()
    renamed = ingest(http_server, "/3", page("Three", sentence.format("Quuxcorp", 3)))
    assert renamed.mentions.get().matched_text == "Quuxcorp"

    alias.delete()
    gone = ingest(http_server, "/4", page("Four", sentence.format("Quuxcorp", 4)))
    assert not Mention.objects.filter(article=gone).exists()
