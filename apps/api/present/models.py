"""Models, their openness and status, and the datasets' claims as the API answers them."""

from __future__ import annotations

from typing import Any

from apps.catalog.models import (
    AccessLevel,
    AIModel,
    Alias,
    Component,
    ModelStatus,
    ModelStatusChange,
    Openness,
    OpennessComponent,
)
from apps.datasets.compare import ModelClaims
from apps.datasets.models import Dataset, DatasetClaim, DatasetRecord
from apps.lib.urls import web_link
from apps.site.selectors import MatrixRow

from .common import aliases_listed, field_labels, lab_ref, labels, model_ref, name_ja, page_urls
from .statements import source_ref


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
        "name_ja": name_ja(aliases),
        "aliases": aliases_listed(aliases),
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
