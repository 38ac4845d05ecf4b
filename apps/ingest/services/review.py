"""The editor's review of a suggestion: accept it (a draft Statement citing the article, which
becomes a ledger source if it is not one yet) or reject it with a reason.

A suggestion is decided once: a conditional UPDATE on its pending state is the lock, so two
editors deciding at once cannot both win. Decisions are what the classifier learns from.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.catalog import services as catalog_services
from apps.claims import services as claims_services
from apps.claims.models import Statement
from apps.lib.permissions import Actor, permission_require

from ..models import Article, Suggestion, SuggestionState


def _decide(suggestion: Suggestion, **fields: Any) -> None:
    """Move a pending suggestion to its decision, once: the conditional UPDATE is the lock."""
    done = Suggestion.objects.filter(pk=suggestion.pk, state=SuggestionState.PENDING).update(
        decided_at=timezone.now(), **fields
    )
    if not done:
        raise ValidationError("This suggestion has already been decided.")


def suggestion_accept(
    *,
    suggestion: Suggestion,
    user: Actor | None,
    stance: str | None = None,
    kind: str | None = None,
    summary: str | None = None,
) -> Statement:
    """Make the suggestion a draft Statement citing the article as its source."""
    permission_require(user, "ingest.change_suggestion", "decide suggestions")
    article = suggestion.article
    with transaction.atomic():
        source = article.source
        if source is None:
            publisher = catalog_services.publisher_for_page(url=article.url)
            source, _created = catalog_services.source_create(
                url=article.url,
                title=article.title or article.url,
                publisher=publisher,
                language=article.language,
                kind="primary" if publisher.company_id else "secondary",
                published_at=article.published_at,
                retrieved_at=article.fetched_at,
                archive=catalog_services.PageArchive(
                    text=article.text,
                    retrieved_at=article.fetched_at,
                    status=200,
                    final_url=article.url,
                    raw=bytes(article.raw),
                    content_type=article.raw_content_type
                    + (f"; charset={article.raw_charset}" if article.raw_charset else ""),
                ),
            )
            Article.objects.filter(pk=article.pk).update(source=source)
        speaker_label = suggestion.speaker_label
        if suggestion.speaker_id is None and not speaker_label:
            speaker_label = f"{article.site_name or source.publisher or 'news'} report"
        occurred = (article.published_at or article.fetched_at).date()
        quote = suggestion.quote
        statement = claims_services.statement_create(
            user=user,
            company=suggestion.company,
            kind=kind or suggestion.kind or "analysis",
            stance=stance or suggestion.stance,
            occurred_on=occurred,
            summary=summary or suggestion.sentence,
            citations=[(source, suggestion.sentence)],
            ai_models=suggestion.ai_models.all(),
            speaker=suggestion.speaker,
            speaker_label=speaker_label[:200],
            quote=quote,
            quote_language=(suggestion.language or article.language or "und") if quote else "",
        )
        _decide(
            suggestion,
            state=SuggestionState.ACCEPTED,
            statement=statement,
            stance=stance or suggestion.stance,
            decided_by=user if isinstance(user, User) else None,
        )
    return statement


def suggestion_reject(*, suggestion: Suggestion, user: Actor | None, reason: str) -> None:
    """Reject with a reason; the reason and the decision train the classifier."""
    permission_require(user, "ingest.change_suggestion", "decide suggestions")
    if not reason.strip():
        raise ValidationError("Say why the suggestion is rejected.")
    _decide(
        suggestion,
        state=SuggestionState.REJECTED,
        reject_reason=reason.strip(),
        decided_by=user if isinstance(user, User) else None,
    )
