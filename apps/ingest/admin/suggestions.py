"""The suggestion review queue, and the classifiers trained from its decisions.

The queue opens on the pending suggestions; accepting (a draft statement) and rejecting (with
a reason) go through the services, one suggestion at a time, so one that was decided meanwhile
is reported and the others still go through.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Classifier, Suggestion, SuggestionState


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why is this not a statement?"), widget=forms.Textarea)


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = [
        "sentence_short",
        "company",
        "stance",
        "kind",
        "score",
        "scored_by",
        "state",
        "article_link",
    ]
    list_filter = ["state", "company", "stance", "language", "scored_by"]
    list_select_related = ["company", "article"]
    search_fields = ["sentence", "article__title"]
    readonly_fields = [
        "article",
        "sentence",
        "language",
        "quote",
        "score",
        "scored_by",
        "state",
        "reject_reason",
        "statement",
        "decided_by",
        "decided_at",
    ]
    fields = [
        "article",
        "sentence",
        "language",
        "company",
        "ai_models",
        "quote",
        "speaker",
        "speaker_label",
        "kind",
        "stance",
        "score",
        "scored_by",
        "state",
        "reject_reason",
        "statement",
        "decided_by",
        "decided_at",
    ]
    autocomplete_fields = ["company", "ai_models", "speaker"]
    actions = ["accept_selected", "reject_selected"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # The review queue opens on what is waiting for a decision.
        if request.method == "GET" and not request.GET:
            return HttpResponseRedirect(f"{request.path}?state__exact={SuggestionState.PENDING}")
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("sentence"))
    def sentence_short(self, obj: Suggestion) -> str:
        return obj.sentence if len(obj.sentence) <= 110 else obj.sentence[:109] + "…"

    @admin.display(description=_("article"))
    def article_link(self, obj: Suggestion) -> str:
        url = reverse("admin:ingest_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, str(obj.article)[:60])

    def _apply(self, request: HttpRequest, queryset: Any, service: Any, done: str) -> None:
        succeeded = 0
        for suggestion in queryset:
            try:
                service(suggestion=suggestion, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = "; ".join(error.messages) if isinstance(error, ValidationError) else error
                self.message_user(request, f"{suggestion}: {text}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} suggestion(s) {done}.")

    @admin.action(description=_("Accept selected: create draft statements"), permissions=["change"])
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[Suggestion]) -> None:
        self._apply(request, queryset, services.suggestion_accept, "accepted as draft statements")

    @admin.action(description=_("Reject selected…"), permissions=["change"])
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[Suggestion]
    ) -> HttpResponse | None:
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                lambda suggestion, user: services.suggestion_reject(
                    suggestion=suggestion, user=user, reason=reason
                ),
                "rejected",
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject suggestions"),
            "form": form,
            "suggestions": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/ingest/suggestion/reject.html", context)


@admin.register(Classifier)
class ClassifierAdmin(admin.ModelAdmin):
    list_display = ["name", "examples", "trained_at"]
    exclude = ["data"]
    readonly_fields = ["name", "examples", "trained_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
