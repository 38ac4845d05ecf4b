"""Reads that need care: a fixed number of queries whatever the size of the record."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from apps.catalog.models import Company

from .models import Citation, StanceChange, Statement, StatementLink


@dataclass(frozen=True)
class LabSummary:
    company: Company
    latest_change: StanceChange | None


def labs_with_stance() -> list[LabSummary]:
    """Every lab with its latest current stance change, in two queries."""
    labs = list(Company.objects.filter(is_lab=True).order_by("name"))
    latest_ids = (
        StanceChange.objects.current()
        .filter(company=OuterRef("pk"))
        .order_by("-date", "-id")
        .values("id")[:1]
    )
    change_ids = [
        row["latest"]
        for row in Company.objects.filter(pk__in=[lab.pk for lab in labs])
        .annotate(latest=Subquery(latest_ids))
        .values("latest")
        if row["latest"] is not None
    ]
    changes = {c.company_id: c for c in StanceChange.objects.filter(pk__in=change_ids)}
    return [LabSummary(company=lab, latest_change=changes.get(lab.pk)) for lab in labs]


def statements_for_display(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """What a statement card shows, fetched in a fixed number of queries."""
    return queryset.select_related("company", "speaker", "speaker__company").prefetch_related(
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("source", "source__publisher").order_by("id"),
        ),
        "ai_models",
    )


def statement_links(statement: Statement) -> tuple[list[StatementLink], list[StatementLink]]:
    """Links from this statement to others, and from others to it, published ones only."""
    outgoing = list(
        StatementLink.objects.filter(
            from_statement=statement, to_statement__state="published"
        ).select_related("to_statement", "to_statement__company")
    )
    incoming = list(
        StatementLink.objects.filter(
            to_statement=statement, from_statement__state="published"
        ).select_related("from_statement", "from_statement__company")
    )
    return outgoing, incoming


def stance_changes_for(company: Company) -> list[StanceChange]:
    return list(StanceChange.objects.current().filter(company=company).order_by("date", "id"))
