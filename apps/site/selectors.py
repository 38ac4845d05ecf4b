"""Reads for the public pages, each in a fixed number of queries whatever the size of the record."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from apps.catalog.models import (
    AIModel,
    Company,
    Component,
    ModelStatusChange,
    OpennessComponent,
    Publisher,
    Source,
)
from apps.claims.models import (
    Citation,
    EditorialState,
    RecordedAct,
    StanceChange,
    Statement,
    StatementLink,
)
from apps.claims.search import MIN_QUERY, statements_found
from apps.claims.selectors import statements_for_display
from apps.lib.search_text import rows_found, search_normalize

SEARCH_LIMIT = 20
PUBLIC_STATES = [EditorialState.PUBLISHED, EditorialState.RETRACTED]


@dataclass
class LabRow:
    company: Company
    changes: list[StanceChange] = field(default_factory=list)

    @property
    def latest_change(self) -> StanceChange | None:
        return self.changes[-1] if self.changes else None


def labs_with_changes(slugs: list[str] | None = None) -> list[LabRow]:
    """Labs (all, or the named ones in the order named) with their current stance changes."""
    labs = Company.objects.filter(is_lab=True)
    if slugs is not None:
        labs = labs.filter(slug__in=slugs)
    rows = {lab.pk: LabRow(lab) for lab in labs.order_by("name")}
    for change in (
        StanceChange.objects.current()
        .filter(company_id__in=list(rows))
        .order_by("company_id", "date", "id")
    ):
        rows[change.company_id].changes.append(change)
    result = list(rows.values())
    if slugs is not None:
        order = {slug: index for index, slug in enumerate(slugs)}
        result.sort(key=lambda row: order[row.company.slug])
    return result


@dataclass(frozen=True)
class ChangeRow:
    """A stance change with what caused it: the statements and imported acts dated that day
    (a denial or supersession takes effect on its own statement's date), or an editor's pin."""

    change: StanceChange
    statements: list[Statement]
    acts: list[RecordedAct]
    #: More statements caused it than ``statements`` holds (CAUSES_SHOWN): the why page has all.
    more: bool = False


#: The statements a change lists as its causes; a lab that says a hundred things a day would
#: otherwise list them all on its page (bench/README.md).
CAUSES_SHOWN = 10


def change_rows(changes: list[StanceChange]) -> list[ChangeRow]:
    """Each change with its causes (the first CAUSES_SHOWN statements), in three queries
    whatever the number of changes."""
    prefetch_related_objects(
        changes,
        Prefetch(
            "statements",
            queryset=Statement.objects.public().order_by("occurred_on", "id")[: CAUSES_SHOWN + 1],
            to_attr="cause_statements",
        ),
        "assessment",
    )
    acts: dict[tuple[int, object], list[RecordedAct]] = {}
    if changes:
        for act in RecordedAct.objects.filter(
            company_id__in={c.company_id for c in changes},
            occurred_on__in={c.date for c in changes},
        ).order_by("occurred_on", "id"):
            acts.setdefault((act.company_id, act.occurred_on), []).append(act)
    return [
        ChangeRow(
            change=change,
            statements=getattr(change, "cause_statements", [])[:CAUSES_SHOWN],
            acts=acts.get((change.company_id, change.date), []),
            more=len(getattr(change, "cause_statements", [])) > CAUSES_SHOWN,
        )
        for change in changes
    ]


def _model_prefetches() -> list[Prefetch]:
    return [
        Prefetch(
            "status_history",
            queryset=ModelStatusChange.objects.select_related("source").order_by("date", "id"),
        ),
        Prefetch(
            "components",
            queryset=OpennessComponent.objects.select_related("source", "source__publisher"),
        ),
    ]


def models_prefetch(models: list[AIModel]) -> None:
    """Status history and components for models already fetched (the lab page needs their
    names for its filter first), in two queries."""
    prefetch_related_objects(models, *_model_prefetches())


@dataclass(frozen=True)
class MatrixRow:
    model: AIModel
    current_status: ModelStatusChange | None
    cells: list[OpennessComponent | None]


def openness_matrix(models: list[AIModel]) -> list[MatrixRow]:
    """Component by model, in the framework's order; a missing row is shown as unknown."""
    rows = []
    for ai_model in models:
        by_component = {c.component: c for c in ai_model.components.all()}
        history = list(ai_model.status_history.all())
        rows.append(
            MatrixRow(
                model=ai_model,
                current_status=history[-1] if history else None,
                cells=[by_component.get(value) for value in Component.values],
            )
        )
    return rows


def components_in_order(ai_model: AIModel) -> list[OpennessComponent]:
    order = {value: index for index, value in enumerate(Component.values)}
    return sorted(ai_model.components.all(), key=lambda c: order.get(c.component, 99))


def statement_detail(pk: int, *, public_only: bool = True) -> Statement | None:
    """A public statement with its citations, their sources, and what those sources cite.

    ``public_only=False`` finds a statement in any editorial state: only for the staff preview.
    """
    citations = (
        Citation.objects.select_related("source", "source__publisher", "source__link_check")
        # The archive's text and raw response are read on the archived copy's own page.
        .defer("source__snapshot_text", "source__snapshot_raw")
        .prefetch_related(
            Prefetch("source__cites", queryset=Source.objects.select_related("publisher")),
            Prefetch("source__cited_by", queryset=Source.objects.select_related("publisher")),
        )
    )
    statements = Statement.objects.public() if public_only else Statement.objects.all()
    return (
        statements.select_related("company", "speaker", "speaker__company")
        .prefetch_related(Prefetch("citations", queryset=citations.order_by("id")), "ai_models")
        .filter(pk=pk)
        .first()
    )


def statement_links(statement: Statement) -> tuple[list[StatementLink], list[StatementLink]]:
    """Links out of and into a statement, to public ones only, in one query."""
    links = StatementLink.objects.filter(
        Q(from_statement=statement, to_statement__state__in=PUBLIC_STATES)
        | Q(to_statement=statement, from_statement__state__in=PUBLIC_STATES)
    ).select_related("from_statement", "to_statement")
    outgoing: list[StatementLink] = []
    incoming: list[StatementLink] = []
    for link in links:
        (outgoing if link.from_statement_id == statement.pk else incoming).append(link)
    return outgoing, incoming


@dataclass
class SearchResults:
    query: str
    statements: list[Statement] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    labs: list[Company] = field(default_factory=list)
    models: list[AIModel] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.statements) + len(self.sources) + len(self.labs) + len(self.models)


def _matching(fields: list[str], query: str) -> Q:
    """For the small tables (labs, models, their aliases): substring match (right for Japanese,
    which has no spaces); on PostgreSQL also trigram word similarity, which forgives typos.
    Statements and sources, the tables that grow, have indexes of their own (docs/search.md)."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": query})
    if connection.vendor == "postgresql" and len(query) >= 3:
        for name in fields:
            condition |= Q(**{f"{name}__trigram_word_similar": query})
    return condition


def _in_order(queryset: QuerySet, ids: list[int]) -> list:
    """The rows of ``ids``, in that order: search decides the order, one query reads them."""
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)} if ids else {}
    return [rows[pk] for pk in ids if pk in rows]


def _sources_found(query: str, limit: int) -> list[Source]:
    """Sources the public record stands on (not ingested articles nor a draft's) whose title
    holds the query, or a word like it, or whose publisher's name holds it; newest first."""
    text = search_normalize(query)
    cited_publicly = Citation.objects.filter(
        source=OuterRef("pk"), statement__state__in=PUBLIC_STATES
    )
    # Publishers are a few rows, read apart: an OR over the join would read every source.
    publishers = list(
        Publisher.objects.filter(name__icontains=text).values_list("pk", flat=True)[:50]
    )
    ids = rows_found(
        Source.objects.filter(Exists(cited_publicly)),
        text,
        order=["-published_at", "id"],
        limit=limit,
        also=Q(publisher_id__in=publishers) if publishers else None,
    )
    return _in_order(Source.objects.select_related("publisher"), ids)


def search(query: str, limit: int = SEARCH_LIMIT) -> SearchResults:
    query = " ".join(query.split())[:200]
    results = SearchResults(query=query)
    if not query:
        return results
    # Exact matches first, newest first as on a lab's page, then near ones (a typo): ranking
    # by similarity would score every match, and at a million statements a common word matches
    # hundreds of thousands; in date order the database stops after the first page
    # (docs/search.md).
    ids = statements_found(Statement.objects.published(), query, limit=limit)
    results.statements = _in_order(statements_for_display(Statement.objects.all()), ids)
    if len(query) >= MIN_QUERY:
        results.sources = _sources_found(query, limit)
    # Aliases hold the other spellings and languages ("メタ"); a subquery keeps one row per lab.
    lab_ids = Company.objects.filter(_matching(["name", "aliases__name"], query)).values("pk")
    results.labs = list(Company.objects.filter(pk__in=lab_ids).order_by("name")[:limit])
    model_ids = AIModel.objects.filter(
        _matching(["name", "family__name", "aliases__name"], query)
    ).values("pk")
    results.models = list(
        AIModel.objects.filter(pk__in=model_ids)
        .select_related("developer")
        .order_by("name")[:limit]
    )
    return results
