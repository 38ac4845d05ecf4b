"""Syndicated copies become extra URLs of one article; different stories about the same event
stay apart. The pairs are tests/ingest/data/near_duplicates/ (13 syndicated, 12 related, in
English and Japanese), served as whole pages and stored by the real pipeline on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.ingest import services
from apps.ingest.extract import article_extract
from apps.ingest.models import Article, ArticleBandKey, ArticleURL, FetchAttempt, Suggestion
from apps.ingest.near_duplicates import (
    BANDS,
    ESTIMATE_MARGIN,
    THRESHOLD,
    estimated_jaccard,
    jaccard,
    shingles,
    sketch,
)
from tests.support.feeds import demo_page
from tests.support.httpserver import LocalHTTPServer
from tests.support.near_duplicates import Pair, pairs_read
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_private")]

SYNDICATED = pairs_read("syndicated")
RELATED = pairs_read("related")
#: How far from the threshold every measured pair must stay, so that the choice is not a knife
#: edge on these pages.
MARGIN = 0.15


def shingled(pair: Pair) -> tuple[set[int], set[int]]:
    first, second = (
        shingles(article_extract(page.html(language=pair.language), url="http://127.0.0.1/").text)
        for page in (pair.a, pair.b)
    )
    return first, second


def similarity(pair: Pair) -> float:
    return jaccard(*shingled(pair))


def test_the_pairs_cover_both_languages_and_both_kinds() -> None:
    for pairs in (SYNDICATED, RELATED):
        assert len(pairs) >= 12
        assert {pair.language for pair in pairs} == {"en", "ja"}
        assert all(sum(p.language == lang for p in pairs) >= 5 for lang in ("en", "ja"))


@pytest.mark.slow
def test_the_threshold_separates_the_measured_pairs_with_a_margin() -> None:
    copies = {pair.id: similarity(pair) for pair in SYNDICATED}
    related = {pair.id: similarity(pair) for pair in RELATED}
    print(f"\nsyndicated Jaccard {min(copies.values()):.3f} .. {max(copies.values()):.3f}")
    print(f"related    Jaccard {min(related.values()):.3f} .. {max(related.values()):.3f}")
    assert {k: v for k, v in copies.items() if v < THRESHOLD + MARGIN} == {}
    assert {k: v for k, v in related.items() if v > THRESHOLD - MARGIN} == {}


@pytest.mark.slow
def test_no_syndicated_copy_is_screened_out_by_its_signature() -> None:
    """A candidate is checked against its text only if its signature estimates a Jaccard index
    of at least THRESHOLD - ESTIMATE_MARGIN; the estimates stay close to the exact values."""
    estimates = {}
    for pair in SYNDICATED + RELATED:
        first, second = shingled(pair)
        one, other = sketch(first), sketch(second)
        assert one is not None and other is not None
        estimates[pair.id] = (
            estimated_jaccard(one.signature, other.signature),
            jaccard(first, second),
        )
    screened_out = [p.id for p in SYNDICATED if estimates[p.id][0] < THRESHOLD - ESTIMATE_MARGIN]
    assert screened_out == []
    assert max(abs(estimate - exact) for estimate, exact in estimates.values()) < 0.1


def ingest_pages(server: LocalHTTPServer, pairs: list[Pair]) -> dict[str, int | None]:
    """Serve every page and ingest the first of each pair, then the second; returns each
    page's article id by path."""
    paths = {}
    for side in ("a", "b"):
        for pair in pairs:
            path = f"/{pair.id}/{side}"
            server.route(path, body=getattr(pair, side).html(language=pair.language))
            paths[path] = server.url(path)
    for url in paths.values():
        queued, _ = services.article_urls_add(urls=[url])
        services.article_ingest(article_url_id=queued[0].pk)
    return {path: ArticleURL.objects.get(url=url).article_id for path, url in paths.items()}


@pytest.mark.slow
def test_every_syndicated_copy_is_stored_as_another_url_of_its_article(
    http_server: LocalHTTPServer,
) -> None:
    articles = ingest_pages(http_server, SYNDICATED)

    unmerged = [p.id for p in SYNDICATED if articles[f"/{p.id}/a"] != articles[f"/{p.id}/b"]]
    assert unmerged == []
    assert Article.objects.count() == len(SYNDICATED)
    assert ArticleBandKey.objects.count() == BANDS * len(SYNDICATED)
    merged = FetchAttempt.objects.filter(message__startswith="Nearly the same text")
    assert merged.count() == len(SYNDICATED)


@pytest.mark.slow
def test_no_two_different_stories_are_merged(http_server: LocalHTTPServer) -> None:
    articles = ingest_pages(http_server, RELATED)

    assert None not in articles.values()
    assert len(set(articles.values())) == 2 * len(RELATED)
    assert not FetchAttempt.objects.filter(message__startswith="Nearly the same text").exists()


def test_a_syndicated_copy_makes_no_second_set_of_suggestions(
    http_server: LocalHTTPServer, seeded: None
) -> None:
    original = demo_page("meta-open-closed-en.html")
    copy = (
        original.replace(b"<h1>", b"<h1>Report: ", 1)
        .replace(b"</h1>", b"</h1><p>Distributed by Demo Wire. 7/15 09:12</p>", 1)
        .replace(b"</article>", b"<p>(Editing by A. Person)</p></article>", 1)
    )
    http_server.route("/original", body=original)
    http_server.route("/portal/copy", body=copy)
    for path in ("/original", "/portal/copy"):
        queued, _ = services.article_urls_add(urls=[http_server.url(path)])
        services.article_ingest(article_url_id=queued[0].pk)

    article = Article.objects.get()
    assert set(article.urls.values_list("url", flat=True)) == {
        http_server.url("/original"),
        http_server.url("/portal/copy"),
    }
    assert Suggestion.objects.exists()
    assert set(Suggestion.objects.values_list("article_id", flat=True)) == {article.pk}


def advisory_lock_awaited() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_two_workers_storing_two_copies_at_once_store_one_article() -> None:
    """The second worker waits on the first's band-key locks and then finds its article."""
    pair = SYNDICATED[0]
    pages = {side: getattr(pair, side).html(language=pair.language) for side in ("a", "b")}
    queued, _ = services.article_urls_add(urls=[f"http://127.0.0.1/copy/{side}" for side in pages])
    stored, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def store(article_url: ArticleURL, body: bytes, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                services.article_store(
                    article_url=article_url,
                    body=body,
                    content_type="text/html",
                    charset="utf-8",
                    extracted=article_extract(body, url=article_url.url),
                    fetched_at=timezone.now(),
                )
                if hold:  # the first worker has stored, and not yet committed
                    stored.set()
                    release.wait(timeout=30)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=store, args=(queued[0], pages["a"]), kwargs={"hold": True})
    second = threading.Thread(target=store, args=(queued[1], pages["b"]), kwargs={"hold": False})
    first.start()
    try:
        assert stored.wait(timeout=30)
        second.start()
        wait_until(
            lambda: advisory_lock_awaited() or not second.is_alive(),
            what="the second worker waiting on a band-key lock, or done",
        )
    finally:
        release.set()
        first.join(timeout=30)
        second.join(timeout=30)

    assert failures == []
    assert Article.objects.count() == 1
    article = Article.objects.get()
    assert set(ArticleURL.objects.values_list("article_id", flat=True)) == {article.pk}
