"""The rows of each exported table, read in bounded memory.

Each function streams one table: the main query goes through ``.iterator(chunk_size=...)`` (a
server-side cursor on PostgreSQL), rows are taken ``chunk_size`` at a time, and what a row lists
(a statement's models and sources, a lab's aliases) is read for the whole chunk in one query.
So memory holds one chunk whatever the size of the record, and the queries are a fixed number
per chunk. Each row is a dict keyed by the table's column names (dictionary/); writer.py
checks that the keys are exactly those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from apps.catalog.models import AIModel, Alias, Company, Component, ModelStatusChange, Openness
from apps.catalog.models import OpennessComponent as ComponentRow
from apps.claims.models import (
    Citation,
    EditorialState,
    RecordedAct,
    StanceChange,
    Statement,
)
from apps.datasets.models import DatasetClaim

from .commitment_rows import commitment_outcomes_rows, commitments_rows
from .rowtools import ID_SLOT as _ID_SLOT
from .rowtools import SLOT as _SLOT
from .rowtools import Row, Rows
from .rowtools import chunks as _chunks
from .rowtools import grouped as _grouped
from .rowtools import url_template as _url_template

__all__ = ["ROWS", "Row", "Rows"]


def statements_rows(*, chunk_size: int) -> Rows:
    url = _url_template("statement", "pk", _ID_SLOT)
    through = Statement.ai_models.through
    rows = (
        Statement.objects.published()
        .order_by("id")
        .values(
            "id",
            "company__slug",
            "company__name",
            "kind",
            "stance",
            "verification",
            "occurred_on",
            "date_precision",
            "speaker__name",
            "speaker__role",
            "speaker_label",
            "quote",
            "quote_language",
            "translation",
            "translation_language",
            "summary",
            "published_at",
            "updated_at",
        )
        .iterator(chunk_size=chunk_size)
    )
    for chunk in _chunks(rows, chunk_size):
        ids = [row["id"] for row in chunk]
        models = _grouped(
            through.objects.filter(statement_id__in=ids)
            .order_by("aimodel__slug")
            .values_list("statement_id", "aimodel__slug")
        )
        sources = _grouped(
            Citation.objects.filter(statement_id__in=ids)
            .order_by("id")
            .values_list("statement_id", "source__url")
        )
        for row in chunk:
            pk = row["id"]
            yield {
                "id": pk,
                "url": url.format(pk),
                "lab": row["company__slug"],
                "lab_name": row["company__name"],
                "kind": row["kind"],
                "stance": row["stance"],
                "verification": row["verification"],
                "occurred_on": row["occurred_on"],
                "date_precision": row["date_precision"],
                "speaker": row["speaker__name"],
                "speaker_role": row["speaker__role"],
                "speaker_label": row["speaker_label"],
                "quote": row["quote"],
                "quote_language": row["quote_language"],
                "translation": row["translation"],
                "translation_language": row["translation_language"],
                "summary": row["summary"],
                "models": models.get(pk, []),
                "source_urls": sources.get(pk, []),
                "published_at": row["published_at"],
                "updated_at": row["updated_at"],
            }


def statement_sources_rows(*, chunk_size: int) -> Rows:
    rows = (
        Citation.objects.filter(statement__state=EditorialState.PUBLISHED)
        .order_by("statement_id", "id")
        .values_list(
            "statement_id",
            "source__url",
            "source__title",
            "source__publisher__name",
            "source__language",
            "source__kind",
            "source__published_at",
            "source__retrieved_at",
            "source__snapshot_hash",
            "source__snapshot_retrieved_at",
            "excerpt",
        )
        .iterator(chunk_size=chunk_size)
    )
    for row in rows:
        yield {
            "statement_id": row[0],
            "source_url": row[1],
            "title": row[2],
            "publisher": row[3],
            "language": row[4],
            "source_kind": row[5],
            "source_published_at": row[6],
            "retrieved_at": row[7],
            "archived_sha256": row[8],
            "archived_at": row[9],
            "excerpt": row[10],
        }


def _count(queryset: Any, column: str) -> Coalesce:
    """How many rows of ``queryset`` have ``column`` equal to the outer row, as a subquery."""
    counted = (
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def labs_rows(*, chunk_size: int) -> Rows:
    url = _url_template("lab", "slug", _SLOT)
    latest = StanceChange.objects.current().filter(company=OuterRef("pk")).order_by("-date", "-id")
    rows = (
        Company.objects.order_by("slug")
        .annotate(
            stance_now=Subquery(latest.values("new_stance")[:1]),
            stance_since=Subquery(latest.values("date")[:1]),
            statements_count=_count(Statement.objects.published(), "company"),
            acts_count=_count(RecordedAct.objects.all(), "company"),
        )
        .values(
            "id",
            "slug",
            "name",
            "parent__slug",
            "website",
            "is_lab",
            "stance_now",
            "stance_since",
            "statements_count",
            "acts_count",
            "updated_at",
        )
        .iterator(chunk_size=chunk_size)
    )
    for chunk in _chunks(rows, chunk_size):
        aliases = _grouped(
            Alias.objects.filter(company_id__in=[row["id"] for row in chunk])
            .order_by("name", "id")
            .values_list("company_id", "name")
        )
        for row in chunk:
            yield {
                "slug": row["slug"],
                "name": row["name"],
                "url": url.format(row["slug"]),
                "parent": row["parent__slug"],
                "website": row["website"],
                "tracked_as_lab": row["is_lab"],
                "aliases": aliases.get(row["id"], []),
                "stance": row["stance_now"],
                "stance_since": row["stance_since"],
                "published_statements": row["statements_count"],
                "recorded_acts": row["acts_count"],
                "updated_at": row["updated_at"],
            }


def models_rows(*, chunk_size: int) -> Rows:
    url = _url_template("model", "slug", _SLOT)
    latest = ModelStatusChange.objects.filter(model=OuterRef("pk")).order_by("-date", "-id")
    rows = (
        AIModel.objects.order_by("slug")
        .annotate(
            status_now=Subquery(latest.values("status")[:1]),
            status_date=Subquery(latest.values("date")[:1]),
        )
        .values(
            "id",
            "slug",
            "name",
            "family__name",
            "developer__slug",
            "parameter_count",
            "active_parameter_count",
            "access_level",
            "licence",
            "status_now",
            "status_date",
            "updated_at",
        )
        .iterator(chunk_size=chunk_size)
    )
    for chunk in _chunks(rows, chunk_size):
        openness: dict[tuple[int, str], str] = {
            (model_id, component): value
            for model_id, component, value in ComponentRow.objects.filter(
                model_id__in=[row["id"] for row in chunk]
            ).values_list("model_id", "component", "openness")
        }
        for row in chunk:
            yield {
                "slug": row["slug"],
                "name": row["name"],
                "url": url.format(row["slug"]),
                "family": row["family__name"] or "",
                "developer": row["developer__slug"],
                "parameters": row["parameter_count"],
                "active_parameters": row["active_parameter_count"],
                "access_level": row["access_level"],
                "licence": row["licence"],
                "status": row["status_now"],
                "status_date": row["status_date"],
                **{
                    f"openness_{component}": openness.get((row["id"], component), Openness.UNKNOWN)
                    for component in Component.values
                },
                "updated_at": row["updated_at"],
            }


def model_components_rows(*, chunk_size: int) -> Rows:
    rows = (
        ComponentRow.objects.order_by("model__slug", "component")
        .values_list(
            "model__slug",
            "component",
            "openness",
            "note",
            "source__url",
            "source__title",
            "updated_at",
        )
        .iterator(chunk_size=chunk_size)
    )
    for row in rows:
        yield {
            "model": row[0],
            "component": row[1],
            "openness": row[2],
            "note": row[3],
            "evidence_url": row[4],
            "evidence_title": row[5],
            "updated_at": row[6],
        }


def dataset_claims_rows(*, chunk_size: int) -> Rows:
    rows = (
        DatasetClaim.objects.filter(record__model__isnull=False)
        .order_by("record__dataset__key", "record__key", "field")
        .values_list(
            "record__model__slug",
            "record__dataset__key",
            "record__dataset__name",
            "record__key",
            "record__upstream_url",
            "field",
            "value",
            "evidence_url",
            "record__version",
            "record__read_at",
            "record__dataset__licence",
            "record__dataset__attribution",
        )
        .iterator(chunk_size=chunk_size)
    )
    for row in rows:
        yield {
            "model": row[0],
            "dataset": row[1],
            "dataset_name": row[2],
            "record_key": row[3],
            "record_url": row[4],
            "field": row[5],
            "value": row[6],
            "evidence_url": row[7],
            "dataset_version": row[8],
            "read_at": row[9],
            "licence": row[10],
            "attribution": row[11],
        }


def stance_history_rows(*, chunk_size: int) -> Rows:
    through = StanceChange.statements.through
    rows = (
        StanceChange.objects.order_by("company__slug", "date", "id")
        .values(
            "id",
            "company__slug",
            "date",
            "old_stance",
            "new_stance",
            "rating",
            "score",
            "assessment_id",
            "created_at",
            "superseded_at",
        )
        .iterator(chunk_size=chunk_size)
    )
    for chunk in _chunks(rows, chunk_size):
        causes = _grouped(
            through.objects.filter(stancechange_id__in=[row["id"] for row in chunk])
            .order_by("statement_id")
            .values_list("stancechange_id", "statement_id")
        )
        for row in chunk:
            yield {
                "lab": row["company__slug"],
                "date": row["date"],
                "old_stance": row["old_stance"],
                "new_stance": row["new_stance"],
                "rating": row["rating"],
                "score": row["score"],
                "pinned": row["assessment_id"] is not None,
                "statement_ids": causes.get(row["id"], []),
                "recorded_at": row["created_at"],
                "superseded_at": row["superseded_at"],
            }


def retractions_rows(*, chunk_size: int) -> Rows:
    url = _url_template("statement", "pk", _ID_SLOT)
    rows = (
        Statement.objects.filter(state=EditorialState.RETRACTED)
        .order_by("id")
        .values_list("id", "company__slug", "retracted_at", "retraction_reason")
        .iterator(chunk_size=chunk_size)
    )
    for pk, lab, retracted_at, reason in rows:
        yield {
            "statement_id": pk,
            "url": url.format(pk),
            "lab": lab,
            "retracted_at": retracted_at,
            "reason": reason,
        }


#: Each table's rows, by the table's name in dictionary.TABLES.
ROWS: dict[str, Callable[..., Rows]] = {
    "statements": statements_rows,
    "statement_sources": statement_sources_rows,
    "labs": labs_rows,
    "models": models_rows,
    "model_components": model_components_rows,
    "dataset_claims": dataset_claims_rows,
    "stance_history": stance_history_rows,
    "retractions": retractions_rows,
    "commitments": commitments_rows,
    "commitment_outcomes": commitment_outcomes_rows,
}
