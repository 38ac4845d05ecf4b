"""An article's date is what its page (or its feed entry) states, or none; an editor can set a
missing one in the admin, and every step after ingestion copes with none."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from lxml import html

from apps.ingest import services
from apps.ingest.models import Article, Suggestion
from tests.support.feeds import demo_page, rss
from tests.support.httpserver import LocalHTTPServer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_private")]

#: The demo story with its date taken out, and a year mentioned in its prose and its footer.
UNDATED = (
    demo_page("meta-open-closed-en.html")
    .replace(b'<meta property="article:published_time" content="2025-07-14T18:00:00Z">', b"")
    .replace(b"</article>", b"<p>Meta first released Llama in 2023.</p></article>", 1)
    .replace(b"</footer>", b" &copy; 2024 Demo Wire</footer>", 1)
)


def ingest(server: LocalHTTPServer, path: str) -> Article:
    queued, _ = services.article_urls_add(urls=[server.url(path)])
    services.article_ingest(article_url_id=queued[0].pk)
    return Article.objects.get(urls__url=server.url(path))


def test_a_page_that_states_no_date_is_stored_without_one(http_server: LocalHTTPServer) -> None:
    assert b"published_time" not in UNDATED
    http_server.route("/undated", body=UNDATED)

    assert ingest(http_server, "/undated").published_at is None


def test_the_feed_entrys_date_dates_a_page_that_states_none(http_server: LocalHTTPServer) -> None:
    http_server.route("/undated", body=UNDATED)
    feed_body = rss(http_server, "/undated").replace(
        b"</guid>", b"</guid><pubDate>Tue, 15 Jul 2025 06:30:00 GMT</pubDate>", 1
    )
    http_server.route("/feed", body=feed_body, content_type="application/rss+xml")
    feed, _ = services.feed_add(url=http_server.url("/feed"))
    result = services.feed_poll(feed_id=feed.pk)
    services.article_ingest(article_url_id=result.new_article_url_ids[0])

    article = Article.objects.get()
    assert article.published_at == datetime.datetime(2025, 7, 15, 6, 30, tzinfo=datetime.UTC)


def test_an_editor_finds_the_undated_articles_and_sets_a_date_in_the_admin(
    http_server: LocalHTTPServer, editor: User
) -> None:
    http_server.route("/undated", body=UNDATED)
    http_server.route("/dated", body=demo_page("openai-open-weights-en.html"))
    article = ingest(http_server, "/undated")
    ingest(http_server, "/dated")
    client = Client()
    client.force_login(editor)

    undated = client.get("/admin/ingest/article/", {"published_at__isempty": "1"})
    assert undated.status_code == 200
    assert [a.pk for a in undated.context["cl"].result_list] == [article.pk]

    page = client.get(f"/admin/ingest/article/{article.pk}/change/")
    form = html.fromstring(page.content).get_element_by_id("article_form")
    data = dict(form.form_values())
    data.update({"published_at_0": "2025-07-14", "published_at_1": "18:00:00"})
    response = client.post(f"/admin/ingest/article/{article.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.published_at == datetime.datetime(2025, 7, 14, 18, tzinfo=datetime.UTC)
    assert article.text and article.title  # nothing else was changed by the form


def test_accepting_a_suggestion_from_an_undated_article_gives_a_source_without_a_date(
    http_server: LocalHTTPServer, seeded: None, editor: User
) -> None:
    http_server.route("/undated", body=UNDATED)
    article = ingest(http_server, "/undated")
    suggestion = Suggestion.objects.filter(article=article).first()
    assert suggestion is not None

    statement = services.suggestion_accept(suggestion=suggestion, user=editor)

    article.refresh_from_db()
    assert article.source is not None
    assert article.source.published_at is None
    # The draft's date is the day the article was fetched, for the editor to correct.
    assert statement.occurred_on == article.fetched_at.date()
