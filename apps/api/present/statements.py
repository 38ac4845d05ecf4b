"""Statements, their citations and sources as the API answers them."""

from __future__ import annotations

from typing import Any

from apps.catalog.models import (
    Source,
    SourceKind,
)
from apps.claims.models import (
    LinkKind,
    Stance,
    Statement,
    StatementKind,
    StatementLink,
    Verification,
)

from .common import labels, page_urls_by_name


def source_ref(source: Source) -> dict[str, Any]:
    """``source.publisher`` must be selected."""
    return _source_ref_row(_source_as_row(source))


def source_with_chain(source: Source) -> dict[str, Any]:
    """``cites`` and ``cited_by`` must be prefetched (with their publishers)."""
    archived = bool(source.snapshot_hash or source.snapshot_text)
    return {
        **source_ref(source),
        "retrieved_at": source.retrieved_at,
        "cites": [source_ref(cited) for cited in source.cites.all()],
        "cited_by": [source_ref(citing) for citing in source.cited_by.all()],
        "archive": {
            "archived_at": source.snapshot_retrieved_at,
            "sha256": source.snapshot_hash,
            "has_text": bool(source.snapshot_text),
        }
        if archived
        else None,
    }


def source(source: Source, *, statement_ids: list[int]) -> dict[str, Any]:
    return {**source_with_chain(source), "statement_ids": statement_ids}


def _text_in(row: dict[str, Any], language: str) -> str | None:
    if row["quote"] and row["quote_language"] == language:
        return str(row["quote"])
    if row["translation"] and row["translation_language"] == language:
        return str(row["translation"])
    return None


def _source_ref_row(row: dict[str, Any], prefix: str = "source__") -> dict[str, Any]:
    """A source from a ``values()`` row (apps.api.selectors.SOURCE_FIELDS under ``prefix``)."""
    kind = row[f"{prefix}kind"]
    return {
        "id": row[f"{prefix}id"],
        "url": row[f"{prefix}url"],
        "title": row[f"{prefix}title"],
        "publisher": {
            "slug": row[f"{prefix}publisher__slug"],
            "name": row[f"{prefix}publisher__name"],
            "website": row[f"{prefix}publisher__website"],
        }
        if row[f"{prefix}publisher_id"] is not None
        else None,
        "language": row[f"{prefix}language"],
        "kind": kind,
        "kind_label": labels(SourceKind, kind),
        "published_at": row[f"{prefix}published_at"],
    }


def statement_row(row: dict[str, Any]) -> dict[str, Any]:
    """A statement from apps.api.selectors.statement_rows (or :func:`statement_as_row`)."""
    return {
        "id": row["id"],
        "state": row["state"],
        "lab": {"slug": row["company__slug"], "name": row["company__name"]},
        "models": [{"slug": m["aimodel__slug"], "name": m["aimodel__name"]} for m in row["models"]],
        "speaker": {
            "name": row["speaker__name"],
            "role": row["speaker__role"],
            "lab": row["speaker__company__slug"],
        }
        if row["speaker_id"] is not None
        else None,
        "speaker_label": row["speaker_label"],
        "kind": row["kind"],
        "kind_label": labels(StatementKind, row["kind"]),
        "stance": row["stance"],
        "stance_label": labels(Stance, row["stance"]),
        "verification": row["verification"],
        "verification_label": labels(Verification, row["verification"]),
        "quote": row["quote"],
        "quote_language": row["quote_language"],
        "translation": row["translation"],
        "translation_language": row["translation_language"],
        "text_en": _text_in(row, "en"),
        "text_ja": _text_in(row, "ja"),
        "summary": row["summary"],
        "occurred_on": row["occurred_on"],
        "date_precision": row["date_precision"],
        "published_at": row["published_at"],
        "updated_at": row["updated_at"],
        "retracted_at": row["retracted_at"],
        "retraction_reason": row["retraction_reason"],
        "citations": [
            {"source": _source_ref_row(citation), "excerpt": citation["excerpt"]}
            for citation in row["citations"]
        ],
        "page": page_urls_by_name("statement", "pk", row["id"]),
    }


def statement_as_row(item: Statement) -> dict[str, Any]:
    """What statements_for_display (or statement_detail) fetched, as statement_rows' row."""
    speaker = item.speaker
    row: dict[str, Any] = {
        name: getattr(item, name)
        for name in (
            "id", "state", "speaker_id", "speaker_label", "kind", "stance", "verification",
            "quote", "quote_language", "translation", "translation_language", "summary",
            "occurred_on", "date_precision", "published_at", "updated_at", "retracted_at",
            "retraction_reason",
        )
    }  # fmt: skip
    row.update(
        {
            "company__slug": item.company.slug,
            "company__name": item.company.name,
            "speaker__name": speaker.name if speaker else None,
            "speaker__role": speaker.role if speaker else None,
            "speaker__company__slug": speaker.company.slug
            if speaker is not None and speaker.company is not None
            else None,
            "models": [
                {"aimodel__slug": m.slug, "aimodel__name": m.name}
                for m in sorted(item.ai_models.all(), key=lambda m: m.slug)
            ],
            "citations": [
                {"excerpt": c.excerpt, **_source_as_row(c.source)} for c in item.citations.all()
            ],
        }
    )
    return row


def _source_as_row(source: Source) -> dict[str, Any]:
    publisher = source.publisher
    return {
        "source__id": source.pk,
        "source__url": source.url,
        "source__title": source.title,
        "source__language": source.language,
        "source__kind": source.kind,
        "source__published_at": source.published_at,
        "source__publisher_id": source.publisher_id,
        "source__publisher__slug": publisher.slug if publisher else None,
        "source__publisher__name": publisher.name if publisher else None,
        "source__publisher__website": publisher.website if publisher else None,
    }


def statement(item: Statement) -> dict[str, Any]:
    """What statements_for_display fetched: lab, speaker, citations with sources, models."""
    return statement_row(statement_as_row(item))


def statement_link(link: StatementLink, other_id: int) -> dict[str, Any]:
    return {"kind": link.kind, "kind_label": labels(LinkKind, link.kind), "statement_id": other_id}
