"""Records as the API answers them: plain dicts shaped like apps/api/schemas.py.

Each function reads only what the selectors already fetched (select_related, prefetch), so
presenting a page costs no query of its own.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from apps.catalog.models import (
    AccessLevel,
    AIModel,
    Alias,
    Company,
    Component,
    ModelStatus,
    ModelStatusChange,
    Openness,
    OpennessComponent,
    Source,
    SourceKind,
)
from apps.claims.models import (
    LinkKind,
    ShiftRating,
    Stance,
    StanceChange,
    Statement,
    StatementKind,
    StatementLink,
    Verification,
)
from apps.datasets.compare import ModelClaims, field_label
from apps.datasets.models import Dataset, DatasetClaim, DatasetRecord
from apps.lib.urls import web_link
from apps.site.selectors import MatrixRow

LANGUAGES = ("en", "ja")


@functools.cache
def _choice_labels(choices: type[models.Choices], value: str) -> dict[str, str]:
    label = choices(value).label
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            found[language] = str(label)
    return found


def labels(choices: type[models.Choices], value: str) -> dict[str, str]:
    """A code's label in English and Japanese (the site's own translations)."""
    return _choice_labels(choices, value)


def field_labels(field: str) -> dict[str, str]:
    found = {}
    for language in LANGUAGES:
        with translation.override(language):
            found[language] = field_label(field)
    return found


#: Stands in for a record's key while its URL pattern is reversed once per language (digits,
#: so that an <int:pk> pattern takes it too).
_SENTINEL = "918273645546372819"


@functools.cache
def _url_pattern(name: str, key: str, language: str) -> str:
    with translation.override(language):
        return reverse(name, kwargs={key: _SENTINEL})


def _page_urls(name: str, key: str, value: object) -> dict[str, str]:
    # reverse() per item and language cost a page of 100 statements 200 reverses; a pattern
    # reversed once per language, with the key put in, is the same URL at a string's cost.
    site = settings.SITE_URL
    return {
        language: site + _url_pattern(name, key, language).replace(_SENTINEL, str(value))
        for language in LANGUAGES
    }


def page_urls(record: Company | AIModel | Statement) -> dict[str, str]:
    """The record's page on the site in each language (the path may differ by language)."""
    if isinstance(record, Statement):
        return _page_urls("statement", "pk", record.pk)
    return _page_urls("lab" if isinstance(record, Company) else "model", "slug", record.slug)


def aliases_by_owner(rows: list[Alias], owner: str) -> dict[int, list[Alias]]:
    grouped: dict[int, list[Alias]] = {}
    for alias in rows:
        grouped.setdefault(getattr(alias, f"{owner}_id"), []).append(alias)
    return grouped


def _aliases(rows: list[Alias]) -> list[dict[str, str]]:
    return [{"name": alias.name, "language": alias.language} for alias in rows]


def _name_ja(rows: list[Alias]) -> str | None:
    return next((alias.name for alias in rows if alias.language == "ja"), None)


def lab_ref(company: Company) -> dict[str, str]:
    return {"slug": company.slug, "name": company.name}


def model_ref(ai_model: AIModel) -> dict[str, str]:
    return {"slug": ai_model.slug, "name": ai_model.name}


def stance_now(changes: list[StanceChange]) -> dict[str, Any] | None:
    if not changes:
        return None
    last = changes[-1]
    return {
        "stance": last.new_stance,
        "label": labels(Stance, last.new_stance),
        "since": last.date,
        "score": last.score,
        "rating": last.rating,
        "rating_label": labels(ShiftRating, last.rating),
        "pinned": last.assessment_id is not None,
    }


def series_now(changes: list[StanceChange]) -> dict[str, Any] | None:
    if not changes:
        return None
    last = changes[-1]
    return {
        "stance": last.new_stance,
        "label": labels(Stance, last.new_stance),
        "since": last.date,
        "score": last.score,
    }


def lab(company: Company, *, changes: list[StanceChange], aliases: list[Alias]) -> dict[str, Any]:
    """``company.parent`` must be selected."""
    return {
        "slug": company.slug,
        "name": company.name,
        "name_ja": _name_ja(aliases),
        "aliases": _aliases(aliases),
        "parent": lab_ref(company.parent) if company.parent is not None else None,
        "website": company.website,
        "description": company.description,
        "stance_now": stance_now(changes),
        "page": page_urls(company),
        "updated_at": company.updated_at,
    }


def stance_point(change: StanceChange) -> dict[str, Any]:
    return {
        "date": change.date,
        "stance": change.new_stance,
        "label": labels(Stance, change.new_stance),
        "previous_stance": change.old_stance or None,
        "rating": change.rating,
        "rating_label": labels(ShiftRating, change.rating),
        "score": change.score,
    }


def stance_change(change: StanceChange, statement_ids: list[int]) -> dict[str, Any]:
    pin = change.assessment
    return {
        "id": change.pk,
        **{key: value for key, value in stance_point(change).items() if key != "date"},
        "date": change.date,
        "statement_ids": statement_ids,
        "pinned_by": {
            "id": pin.pk,
            "stance": pin.stance,
            "effective_from": pin.effective_from,
            "effective_until": pin.effective_until,
            "rationale": pin.rationale,
        }
        if pin is not None
        else None,
        "created_at": change.created_at,
        "superseded_at": change.superseded_at,
    }


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
        "page": _page_urls("statement", "pk", row["id"]),
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


def status_entry(entry: ModelStatusChange) -> dict[str, Any]:
    """``entry.source`` must be selected (with its publisher)."""
    return {
        "status": entry.status,
        "label": labels(ModelStatus, entry.status),
        "date": entry.date,
        "date_precision": entry.date_precision,
        "is_reported": entry.is_reported,
        "note": entry.note,
        "source": source_ref(entry.source) if entry.source is not None else None,
    }


def component(value: str, row: OpennessComponent | None) -> dict[str, Any]:
    openness = row.openness if row is not None else Openness.UNKNOWN
    return {
        "component": value,
        "label": labels(Component, value),
        "openness": openness,
        "openness_label": labels(Openness, openness),
        "note": row.note if row is not None else "",
        "evidence": source_ref(row.source) if row is not None and row.source else None,
    }


def dataset_ref(dataset: Dataset) -> dict[str, str]:
    return {
        "key": dataset.key,
        "name": dataset.name,
        "homepage": web_link(dataset.homepage),
        "licence": dataset.licence,
        "attribution": dataset.attribution,
    }


def record_ref(record: DatasetRecord) -> dict[str, Any]:
    return {
        "key": record.key,
        "url": web_link(record.upstream_url),
        "version": record.version,
        "read_at": record.read_at,
    }


def claim(claim: DatasetClaim) -> dict[str, Any]:
    """``claim.record.dataset`` must be selected."""
    return {
        "dataset": dataset_ref(claim.record.dataset),
        "record": record_ref(claim.record),
        "value": claim.value,
        "evidence_url": web_link(claim.evidence_url),
    }


def claim_rows(found: ModelClaims) -> list[dict[str, Any]]:
    return [
        {
            "field": row.field,
            "label": field_labels(row.field),
            "editor_value": row.editor.shown if row.editor is not None else None,
            "datasets_disagree": row.datasets_disagree,
            "editor_disagrees": row.editor_disagrees,
            "claims": [claim(cell.claim) for cell in row.claims if cell is not None],
        }
        for row in found.rows
    ]


def model(
    ai_model: AIModel,
    *,
    matrix: MatrixRow,
    aliases: list[Alias],
    claims: ModelClaims,
) -> dict[str, Any]:
    """``developer`` and ``family`` selected; status history and components prefetched
    (models_prefetch)."""
    history = list(ai_model.status_history.all())
    return {
        "slug": ai_model.slug,
        "name": ai_model.name,
        "name_ja": _name_ja(aliases),
        "aliases": _aliases(aliases),
        "family": ai_model.family.name if ai_model.family else "",
        "developer": lab_ref(ai_model.developer),
        "parameter_count": ai_model.parameter_count,
        "active_parameter_count": ai_model.active_parameter_count,
        "access_level": ai_model.access_level,
        "access_level_label": labels(AccessLevel, ai_model.access_level),
        "licence": ai_model.licence,
        "description": ai_model.description,
        "status_now": status_entry(matrix.current_status) if matrix.current_status else None,
        "status_history": [status_entry(entry) for entry in history],
        "components": [
            component(value, row) for value, row in zip(Component.values, matrix.cells, strict=True)
        ],
        "dataset_claims": claim_rows(claims),
        "page": page_urls(ai_model),
        "updated_at": ai_model.updated_at,
    }


def disagreement(claim_row: DatasetClaim) -> dict[str, Any]:
    """``record__dataset`` and ``record__model`` must be selected."""
    ai_model = claim_row.record.model
    assert ai_model is not None  # disagreements are about matched records only
    return {
        "id": claim_row.pk,
        "model": model_ref(ai_model),
        "field": claim_row.field,
        "label": field_labels(claim_row.field),
        "value": claim_row.value,
        "evidence_url": web_link(claim_row.evidence_url),
        **claim(claim_row),
    }
