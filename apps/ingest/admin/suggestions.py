"""The suggestion review queue, and the classifiers trained from its decisions.

The queue opens on the pending suggestions; accepting (a draft statement) and rejecting (with
a reason) go through the services, one suggestion at a time, so one that was decided meanwhile
is reported and the others still go through. Each suggestion's own page is where it is
decided one at a time: the article's passage around the sentence, the proposed statement
(lab, models, speaker, kind and stance as choices), and Accept / Reject buttons. A suggestion
that a published statement of its lab already covers (models.covering_citations) says so,
in the list and on its page. A decided suggestion's page is read-only. The list and the page
show the evidence (admin/evidence.py): the names matched in the sentence, each with its alias
and what it linked to, and why this stance.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.lib.admin_next import next_url

from .. import services
from ..models import (
    Classifier,
    Mention,
    Suggestion,
    SuggestionQuerySet,
    SuggestionState,
    covering_citations,
)
from .evidence import mention_title, mentions_in, reason_texts, sentence_marked, sentence_parts


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why is this not a statement?"), widget=forms.Textarea)


ACCEPT, REJECT = "_accept", "_reject"
# How much of the article the review page shows on each side of the sentence.
EXCERPT_CONTEXT = 400
# The proposed statement: what the editor may change before accepting.
PROPOSAL_FIELDS: list[Any] = [
    "company",
    "ai_models",
    "speaker",
    "speaker_label",
    "kind",
    "stance",
    "quote",
]


class SuggestionReviewForm(forms.ModelForm):
    """The proposed statement, and the reason a Reject needs (never stored by Save)."""

    reason = forms.CharField(
        label=_("Why is this not a statement?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed to reject; it trains the classifier that scores new suggestions."),
    )

    class Meta:
        model = Suggestion
        fields = PROPOSAL_FIELDS

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if REJECT in self.data and not self.cleaned_data.get("reason", "").strip():
            self.add_error("reason", _("Say why the suggestion is rejected."))
        return cleaned


class CoverageFilter(admin.SimpleListFilter):
    title = _("covered by a published statement")
    parameter_name = "covered"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(covered=self.value() == "yes")
        return queryset


def excerpt(suggestion: Suggestion) -> tuple[str, str, str]:
    """The article's text before the sentence, the sentence, and the text after it."""
    text = suggestion.article.text
    start = suggestion.start
    if text[start : start + len(suggestion.sentence)] != suggestion.sentence:
        found = text.find(suggestion.sentence)
        if found < 0:
            return "", suggestion.sentence, ""
        start = found
    end = start + len(suggestion.sentence)
    before = text[max(0, start - EXCERPT_CONTEXT) : start]
    after = text[end : end + EXCERPT_CONTEXT]
    return (
        ("…" if start > EXCERPT_CONTEXT else "") + before,
        suggestion.sentence,
        after + ("…" if end + EXCERPT_CONTEXT < len(text) else ""),
    )


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    form = SuggestionReviewForm
    change_form_template = "admin/ingest/suggestion/change_form.html"
    # Fits a 1366-pixel screen with the state in view (tests/test_admin_browser.py).
    list_display = ["sentence_short", "state", "covered", "company", "stance", "kind", "score"]
    list_filter = ["state", CoverageFilter, "company", "stance", "language", "scored_by"]
    list_select_related = ["company", "article"]
    search_fields = ["sentence", "article__title"]
    readonly_fields = [
        "article",
        "sentence",
        "language",
        "score",
        "scored_by",
        "state",
        "reject_reason",
        "statement",
        "decided_by",
        "decided_at",
    ]
    fieldsets = [
        (_("Proposed statement"), {"fields": PROPOSAL_FIELDS}),
        (
            _("Where it comes from"),
            {"fields": ["article", "sentence", "language", "score", "scored_by"]},
        ),
        (
            _("Decision"),
            {"fields": ["state", "reject_reason", "statement", "decided_by", "decided_at"]},
        ),
    ]
    autocomplete_fields = ["company", "ai_models", "speaker"]
    actions = ["accept_selected", "reject_selected"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        # Waiting for review, the decision's fields would all be empty.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.state == SuggestionState.PENDING:
            return fieldsets[:-1]
        return fieldsets

    def get_queryset(self, request: HttpRequest) -> QuerySet[Suggestion]:
        # The mentions of the listed articles in one query: each row marks its matched names.
        mentions = Mention.objects.select_related("alias", "company", "ai_model")
        return (
            cast(SuggestionQuerySet, super().get_queryset(request))
            .with_coverage()
            .prefetch_related(Prefetch("article__mentions", queryset=mentions))
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # The review queue opens on what is waiting for a decision.
        if request.method == "GET" and not request.GET:
            return HttpResponseRedirect(f"{request.path}?state__exact={SuggestionState.PENDING}")
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A decided suggestion is a record of the decision: its page is read-only.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.state == SuggestionState.PENDING)

    @admin.display(description=_("sentence"))
    def sentence_short(self, obj: Suggestion) -> SafeString:
        """The sentence (shortened) with its matched names marked, and why this stance."""
        mentions = mentions_in(obj, obj.article.mentions.all())
        why = "; ".join(reason_texts(obj.stance_reasons))
        return format_html(
            '{}<br><small class="stance-why">{}</small>',
            sentence_marked(obj, mentions, limit=90),
            format_html("{}: {}", gettext("why this stance"), why) if why else "",
        )

    @admin.display(description=_("covered"), boolean=True, ordering="covered")
    def covered(self, obj: Suggestion) -> bool:
        return bool(getattr(obj, "covered", False))

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            article = obj.article
            context["excerpt"] = excerpt(obj)
            mentions = mentions_in(obj)
            context["evidence"] = {
                "parts": [
                    (part.text, mention_title(part.mention) if part.mention else "")
                    for part in sentence_parts(obj, mentions)
                ],
                "names": [(m.matched_text, mention_title(m)) for m in mentions],
                "reasons": reason_texts(obj.stance_reasons),
            }
            context["article"] = article
            citations = covering_citations(
                company=obj.company_id,
                article=article.pk,
                source=article.source_id,
                url=article.url,
            ).select_related("statement")
            # One line per statement, even if it cites the article at two of its URLs.
            context["covering"] = list(
                {c.statement_id: c.statement for c in citations.order_by("statement_id")}.values()
            )
            context["decidable"] = self.has_change_permission(request, obj)
            if context["decidable"]:
                context["title"] = _("Review a suggestion")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request: HttpRequest, obj: Suggestion, form: Any, change: bool) -> None:
        # Only the proposal's own columns: the state and the decision are the services' to write.
        changed = [name for name in form.changed_data if name in PROPOSAL_FIELDS]
        fields = [name for name in changed if name != "ai_models"]
        if fields:
            obj.save(update_fields=fields)

    def response_change(self, request: HttpRequest, obj: Suggestion) -> HttpResponse:
        if ACCEPT not in request.POST and REJECT not in request.POST:
            return super().response_change(request, obj)
        try:
            if ACCEPT in request.POST:
                statement = services.suggestion_accept(
                    suggestion=obj, user=request.user, stance=obj.stance, kind=obj.kind or None
                )
                url = reverse("admin:claims_statement_change", args=[statement.pk])
                self.message_user(
                    request,
                    format_html(
                        gettext('Accepted: <a href="{}">a draft statement</a> cites the article.'),
                        url,
                    ),
                )
            else:
                reason = request.POST.get("reason", "")
                services.suggestion_reject(suggestion=obj, user=request.user, reason=reason)
                self.message_user(request, _("Rejected. The reason is kept."))
        except (ValidationError, PermissionDenied) as error:
            # Decided by someone else meanwhile: keep nothing of this request, say why.
            transaction.set_rollback(True)
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            self.message_user(request, f"{obj}: {text}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        # Back to the list it came from: the review queue passes ?next= (apps/lib/admin_next.py).
        queue = reverse("admin:ingest_suggestion_changelist")
        return HttpResponseRedirect(
            next_url(request, f"{queue}?state__exact={SuggestionState.PENDING}")
        )

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
