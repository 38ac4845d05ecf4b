"""Public pages. Each view serves the whole page, or its fragment when htmx asks for one.

A fragment is a {% partialdef %} of the page's own template ("site/lab.html#timeline"), so the
page and the fragment cannot drift apart. A history-restore request from htmx (the reader
pressed Back and htmx had no snapshot) gets the whole page.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, replace_url

from apps.catalog.models import AIModel, Company, Component
from apps.claims.models import Commitment, Stance, Statement
from apps.claims.selectors import (
    commitments_for_display,
    kept_ratios,
    stance_bases,
    statements_for_display,
)
from apps.datasets.compare import model_claims
from apps.datasets.openwashing import model_open_washing, statement_open_washing

from . import charts, selectors
from .claimreview import claim_review
from .claimreview import json_ld as _json_ld
from .lab_charts import lab_charts
from .timeline import (
    TimelineCursorForm,
    TimelineFilterForm,
    TimelinePage,
    timeline_filter,
    timeline_window,
)

HISTORY_SHOWN = 10
NEWEST_SHOWN = 10
COMPARE_MAX = 6
# What the public revision history names when it says what changed (never who changed it).
HISTORY_FIELDS = [
    "summary",
    "summary_ja",
    "quote",
    "quote_language",
    "translation",
    "speaker",
    "speaker_label",
    "kind",
    "stance",
    "verification",
    "occurred_on",
    "date_precision",
    "state",
    "retraction_reason",
]


def _fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)  # set by django_htmx's middleware
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def _length_in_address(
    response: HttpResponse, request: HttpRequest, query: str, page: TimelinePage
) -> HttpResponse:
    """After "load more", the address says how many statements the list holds (?shown=N), so
    that Back from a statement, a reload or a shared link finds the list as long as it was and
    the browser can put the reader back where they were. Replaced, not pushed: Back leaves the
    list rather than taking the last page off it."""
    if page.shown is None:  # a page of older statements on its own, without JavaScript
        return response
    return replace_url(response, f"{request.path}?{query}{'&' if query else ''}shown={page.shown}")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    labs = selectors.labs_with_changes()
    today = timezone.localdate()
    all_changes = [c for row in labs for c in row.changes]
    start, end = charts.axis_for(all_changes, today)
    bases = stance_bases(company_ids=[row.company.pk for row in labs], today=today)
    newest = statements_for_display(Statement.objects.published().timeline_order())[:NEWEST_SHOWN]
    return render(
        request,
        "site/home.html",
        {
            "labs": [
                (row, charts.sparkline(row.changes, start=start, end=end), bases[row.company.pk])
                for row in labs
            ],
            "newest": newest,
        },
    )


#: What the lab page's commitments can be narrowed to (?commitments=...), "" being all of them.
COMMITMENT_VIEWS = [
    ("", gettext_lazy("all")),
    ("open", gettext_lazy("unresolved")),
    ("resolved", gettext_lazy("resolved")),
]


def _commitments(request: HttpRequest, company: Company) -> dict[str, Any]:
    """The lab's commitments (overdue first) as ?commitments= narrows them, and the kept ratio
    over all of them, whatever is shown."""
    shown = request.GET.get("commitments", "")
    shown = shown if shown in {value for value, _label in COMMITMENT_VIEWS} else ""
    listed = commitments_for_display(company_ids=[company.pk])
    if shown:
        listed = [c for c in listed if c.is_resolved == (shown == "resolved")]
    return {
        "commitments": listed,
        "commitments_shown": shown,
        "commitment_views": COMMITMENT_VIEWS,
        "kept": kept_ratios(company_ids=[company.pk])[company.pk],
    }


@require_safe
@vary_on_headers("HX-Request", "HX-Target")
def lab(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(
        Company.objects.select_related("parent", "stance_version"), slug=slug
    )
    if _fragment(request) and request.headers.get("HX-Target") == "commitment-list":
        listed = {"company": company, **_commitments(request, company)}
        return render(request, "site/_commitments.html#list", listed)
    models = list(AIModel.objects.filter(developer=company).order_by("name"))
    form = TimelineFilterForm(request.GET, models=models)
    data = form.valid_data()
    statements = timeline_filter(
        statements_for_display(Statement.objects.published().for_company(company)), data
    )
    page = timeline_window(statements, data)
    context: dict[str, Any] = {
        "company": company,
        "form": form,
        "page": page,
        "filter_query": form.query_without_cursor(),
        "is_continuation": data.get("after") is not None,
    }
    if _fragment(request):
        # "Load more" appends a page; a filter change replaces the whole list.
        if data.get("after"):
            response = render(request, "site/lab.html#page", context)
            return _length_in_address(response, request, context["filter_query"], page)
        response = render(request, "site/lab.html#timeline", context)
        # The form sends its empty fields too; the address bar gets the tidy, shareable form.
        query = context["filter_query"]
        return push_url(response, request.path + (f"?{query}" if query else ""))
    selectors.models_prefetch(models)  # status and openness, for the matrix only
    context.update(
        {
            # Cached by the lab's stance version: computed from its whole record (lab_charts).
            **lab_charts(company=company, today=timezone.localdate()),
            "matrix": selectors.openness_matrix(models),
            "components": Component.choices,
            "stances": Stance.choices,
            "subsidiaries": list(company.subsidiaries.order_by("name")),
            # Overdue first, then pending, then resolved; the ratio always with its counts.
            **_commitments(request, company),
        }
    )
    return render(request, "site/lab.html", context)


@require_safe
@vary_on_headers("HX-Request")
def model(request: HttpRequest, slug: str) -> HttpResponse:
    ai_model = get_object_or_404(AIModel.objects.select_related("developer", "family"), slug=slug)
    form = TimelineCursorForm(request.GET)
    data = form.valid_data()
    cursor = data.get("after")
    page = timeline_window(
        statements_for_display(Statement.objects.published().filter(ai_models=ai_model)), data
    )
    context: dict[str, Any] = {
        "model": ai_model,
        "form": form,
        "page": page,
        "is_continuation": cursor is not None,
    }
    if _fragment(request):  # "Load more" appends a page
        return _length_in_address(
            render(request, "site/model.html#page", context), request, "", page
        )
    selectors.models_prefetch([ai_model])  # status and openness, for the whole page only
    history = list(ai_model.status_history.all())
    context.update(
        {
            "status_history": history,
            "current_status": history[-1] if history else None,
            "components": selectors.components_in_order(ai_model),
            "dataset_claims": model_claims(ai_model),
            "open_washing": model_open_washing(ai_model),
        }
    )
    return render(request, "site/model.html", context)


# The reasons apps/claims/services.py records, in the reader's language; others are shown as is.
HISTORY_REASONS = {
    "Submitted for review": gettext_lazy("Submitted for review"),
    "Published": gettext_lazy("Published"),
}
RETRACTED_PREFIX = "Retracted: "


def _history_reason(reason: str | None) -> str:
    if not reason:
        return ""
    if reason in HISTORY_REASONS:
        return str(HISTORY_REASONS[reason])
    if reason.startswith(RETRACTED_PREFIX):
        return _("Retracted: %(reason)s") % {"reason": reason.removeprefix(RETRACTED_PREFIX)}
    return reason


def _history(item: Statement) -> list[dict[str, Any]]:
    """The newest revisions, each with the names of the fields it changed (one query)."""
    records = list(item.history.order_by("-history_date", "-history_id")[: HISTORY_SHOWN + 1])
    labels = {
        name: getattr(Statement._meta.get_field(name), "verbose_name", name)
        for name in HISTORY_FIELDS
    }
    entries = []
    for newer, older in itertools.zip_longest(records, records[1:]):
        changed: list[str] = []
        if older is not None:
            delta = newer.diff_against(older, included_fields=HISTORY_FIELDS)
            changed = [str(labels[c.field]) for c in delta.changes]
        entries.append(
            {
                "record": newer,
                "reason": _history_reason(newer.history_change_reason),
                "changed": changed,
            }
        )
    return entries[:HISTORY_SHOWN]


def _statement_page(request: HttpRequest, item: Statement, *, preview: bool) -> HttpResponse:
    outgoing, incoming = selectors.statement_links(item)
    cited_here = {c.source_id for c in item.citations.all()}
    return render(
        request,
        "site/statement.html",
        {
            "statement": item,
            "outgoing": outgoing,
            "incoming": incoming,
            "history": _history(item),
            "cited_here": cited_here,
            "open_washing": statement_open_washing(item),
            # A promise this statement made, if an editor marked it as one.
            "commitment": Commitment.objects.filter(statement=item).first(),
            "json_ld": _json_ld(claim_review(item)),
            "preview": preview,
        },
    )


@require_safe
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.statement_detail(pk)
    if item is None:
        raise Http404(_("No such statement."))
    return _statement_page(request, item, preview=False)


def may_preview(user: Any) -> bool:
    """Staff who may read statements in the admin may see any of them as readers would."""
    return bool(user.is_authenticated and user.is_staff and user.has_perm("claims.view_statement"))


@require_safe
@never_cache  # private: a draft must never sit in a shared cache
def statement_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A statement in any editorial state, in the public page's template, under a banner.

    Whoever may not read statements in the admin gets the 404 an unknown statement gets, so
    the preview tells nobody else that a draft exists.
    """
    item = selectors.statement_detail(pk, public_only=False) if may_preview(request.user) else None
    if item is None:
        raise Http404(_("No such statement."))
    response = _statement_page(request, item, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _compare_slugs(request: HttpRequest) -> list[str]:
    raw = ",".join(request.GET.getlist("labs"))
    slugs: list[str] = []
    for slug in raw.split(","):
        slug = slug.strip()
        if slug and slug not in slugs:
            slugs.append(slug)
    return slugs[:COMPARE_MAX]


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    all_labs = list(Company.objects.filter(is_lab=True).order_by("name"))
    chosen = _compare_slugs(request) or [lab.slug for lab in all_labs[:2]]
    rows = selectors.labs_with_changes(chosen)
    today = timezone.localdate()
    start, end = charts.axis_for([c for row in rows for c in row.changes], today)
    unknown = sorted(set(chosen) - {row.company.slug for row in rows})
    bases = stance_bases(company_ids=[row.company.pk for row in rows], today=today)
    kept = kept_ratios(company_ids=[row.company.pk for row in rows])
    causes = {
        item.change.pk: item
        for item in selectors.change_rows([c for row in rows for c in row.changes])
    }
    return render(
        request,
        "site/compare.html",
        {
            "all_labs": all_labs,
            "chosen": [row.company.slug for row in rows],
            "unknown": unknown,
            "bands": [
                (
                    row,
                    charts.stance_band(row.changes, start=start, end=end),
                    bases[row.company.pk],
                    [causes[c.pk] for c in row.changes],
                    kept[row.company.pk],
                )
                for row in rows
            ],
            "stances": Stance.choices,
        },
    )


@require_safe
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    results = selectors.search(request.GET.get("q", ""))
    template = "site/search.html" + ("#results" if _fragment(request) else "")
    return render(request, template, {"results": results, "q": results.query})
