"""Reads that need care: a fixed number of queries whatever the size of the record."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Citation, Statement


def statements_for_display(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """What a statement card shows, fetched in a fixed number of queries."""
    return queryset.select_related("company", "speaker", "speaker__company").prefetch_related(
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("source", "source__publisher").order_by("id"),
        ),
        "ai_models",
    )
