"""Shared by the ingestion commands: run the pipeline in this process and say what happened."""

from __future__ import annotations

from django.core.management.base import OutputWrapper
from django.core.management.color import Style

from apps.ingest import services
from apps.ingest.models import Article, ArticleURL, Outcome


def articles_ingest(ids: list[int], *, stdout: OutputWrapper, style: Style) -> tuple[int, int]:
    """Ingest article URLs one by one, printing each result; returns (stored, refused)."""
    stored = refused = 0
    for article_url_id in ids:
        result = services.article_ingest(article_url_id=article_url_id)
        url = ArticleURL.objects.get(pk=article_url_id).url
        if result.outcome == Outcome.STORED:
            stored += 1
            article = Article.objects.get(pk=result.article_id or 0)
            stdout.write(
                style.SUCCESS(f"stored   {url}")
                + f"  “{article.title[:70]}” [{article.language or '?'}], "
                f"{article.mentions.count()} mentions, {article.suggestions.count()} suggestions"
            )
        elif result.outcome == Outcome.DUPLICATE:
            stdout.write(f"same as  {url}  (article {result.article_id}: recorded as another URL)")
        elif result.outcome == Outcome.ERROR:
            refused += 1
            later = " (will be retried)" if result.retry_in is not None else ""
            stdout.write(style.ERROR(f"refused  {url}") + f"  {result.message}{later}")
        else:
            stdout.write(f"skipped  {url}  {result.message}")
    return stored, refused
