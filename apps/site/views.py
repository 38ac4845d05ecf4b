"""Public pages. Each view serves the whole page, or its fragment when htmx asks for one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.catalog.models import AIModel, Company
from apps.claims import selectors
from apps.claims.models import Statement

HISTORY_SHOWN = 10


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    newest = selectors.statements_for_display(Statement.objects.published().timeline_order())[:10]
    return render(
        request,
        "site/home.html",
        {"labs": selectors.labs_with_stance(), "newest": newest},
    )


@require_GET
def lab(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company.objects.select_related("parent"), slug=slug)
    statements = selectors.statements_for_display(
        Statement.objects.published().for_company(company).timeline_order()
    )
    return render(
        request,
        "site/lab.html",
        {
            "company": company,
            "statements": statements,
            "changes": selectors.stance_changes_for(company),
            "models": AIModel.objects.filter(developer=company).order_by("name"),
            "subsidiaries": company.subsidiaries.order_by("name"),
        },
    )


@require_GET
def model(request: HttpRequest, slug: str) -> HttpResponse:
    ai_model = get_object_or_404(AIModel.objects.select_related("developer"), slug=slug)
    return render(
        request,
        "site/model.html",
        {
            "model": ai_model,
            "status_history": ai_model.status_history.select_related("source").order_by(
                "date", "id"
            ),
            "components": ai_model.components.select_related("source").order_by("component"),
            "statements": selectors.statements_for_display(
                ai_model.statements.published().timeline_order()
            ),
        },
    )


@require_GET
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.statements_for_display(Statement.objects.public()), pk=pk)
    outgoing, incoming = selectors.statement_links(item)
    history = item.history.select_related("history_user").order_by("-history_date")[:HISTORY_SHOWN]
    return render(
        request,
        "site/statement.html",
        {"statement": item, "outgoing": outgoing, "incoming": incoming, "history": history},
    )
