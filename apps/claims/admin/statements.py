"""The editors' desk for statements: citations and links inline, publish, retract, preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.catalog.models import Company
from apps.lib.admin_columns import text_short
from apps.lib.history_admin import HistoryAdmin

from .. import selectors, services
from ..models import (
    Citation,
    EditorialState,
    ShiftRating,
    Stance,
    Statement,
    StatementLink,
)
from ..search import statements_matching
from .commitments import statement_commitment


class CitationFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if self.instance.pk is None or self.instance.state != EditorialState.PUBLISHED:
            return
        remaining = [
            form
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        if not remaining:
            raise forms.ValidationError(_("A published statement must cite at least one source."))


class CitationInline(admin.TabularInline):
    model = Citation
    formset = CitationFormSet
    fields = ["source", "excerpt"]
    autocomplete_fields = ["source"]
    extra = 1


class StatementLinkInline(admin.TabularInline):
    model = StatementLink
    fk_name = "from_statement"
    fields = ["kind", "to_statement"]
    autocomplete_fields = ["to_statement"]
    extra = 0
    verbose_name = _("link to another statement")
    verbose_name_plural = _("links to other statements")


class RetractForm(forms.Form):
    reason = forms.CharField(label=_("Reason for retraction"), widget=forms.Textarea)


# The same editorial actions in the list (in bulk) and on each statement's own page.
BOTH_LOCATIONS = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def _action_field_name(request: HttpRequest) -> str:
    """A confirmation page posts back to wherever the action was chosen: list or form."""
    return next((name for name in request.POST if name.endswith("action")), "action")


def publish_refusal(statement: Statement) -> str | None:
    """Why statement_publish would refuse the statement, read without trying (None: it would
    not). The service checks again, under a lock, when the reviewer confirms."""
    if statement.state not in (EditorialState.DRAFT, EditorialState.IN_REVIEW):
        return str(_("it is %(state)s already") % {"state": statement.get_state_display()})
    if not statement.citations.all():
        return str(_("it cites no source"))
    return None


def _stance_label(point: Any) -> str:
    return str(Stance(point.stance).label) if point is not None else "—"


def _move_display(point: Any) -> dict[str, Any]:
    return {
        "date": point.date,
        "old": str(Stance(point.old_stance).label) if point.old_stance else "—",
        "new": str(Stance(point.new_stance).label),
        "rating": str(ShiftRating(point.rating).label),
    }


def effect_display(effect: selectors.PublishEffect) -> dict[str, Any]:
    """One lab's row of the publish confirmation, in words."""
    return {
        "company": effect.company,
        "statements": effect.statements,
        "before": _stance_label(effect.before),
        "after": _stance_label(effect.after),
        "pinned": effect.after is not None and effect.after.pin_id is not None,
        "moves_today": effect.moves_today,
        "added": [_move_display(point) for point in effect.added],
        "dropped": [_move_display(point) for point in effect.dropped],
    }


@admin.register(Statement)
class StatementAdmin(HistoryAdmin):
    # The state second: it stays in view on a 1366-pixel screen (tests/test_admin_browser.py).
    list_display = [
        "summary_short",
        "state",
        "company",
        "occurred_on",
        "kind",
        "stance",
        "verification",
    ]
    list_filter = ["state", "company", "stance", "kind", "verification", "quote_language"]
    list_select_related = ["company", "speaker"]
    # Searched as the public site searches (get_search_results): one indexed column.
    search_fields = ["search_text"]
    autocomplete_fields = ["company", "speaker", "ai_models"]
    date_hierarchy = "occurred_on"
    inlines = [CitationInline, StatementLinkInline]
    readonly_fields = [
        "state",
        "published_at",
        "retracted_at",
        "retraction_reason",
        "created_by",
        "commitment_link",
    ]
    actions = ["submit_selected", "publish_selected", "retract_selected"]
    fieldsets = [
        (None, {"fields": ["company", "ai_models", "summary", "summary_ja"]}),
        (
            _("Who said it, and how sure we are"),
            {"fields": ["speaker", "speaker_label", "kind", "stance", "verification"]},
        ),
        (_("When"), {"fields": ["occurred_on", "date_precision"]}),
        (
            _("Words"),
            {"fields": ["quote", "quote_language", "translation", "translation_language"]},
        ),
        (
            _("Editorial"),
            {
                "fields": [
                    "state",
                    "published_at",
                    "retracted_at",
                    "retraction_reason",
                    "created_by",
                    "commitment_link",
                ]
            },
        ),
    ]

    def view_on_site(self, obj: Statement) -> str:
        # A draft has no public page yet: "View on site" opens the staff preview instead.
        if obj.state in (EditorialState.DRAFT, EditorialState.IN_REVIEW):
            return reverse("statement_preview", kwargs={"pk": obj.pk})
        return obj.get_absolute_url()

    @admin.display(description=_("commitment"))
    def commitment_link(self, obj: Statement) -> str:
        return statement_commitment(obj)

    @admin.display(description=_("summary"), ordering="summary")
    def summary_short(self, obj: Statement) -> str:
        return text_short(obj.summary, 90)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Statement], search_term: str
    ) -> tuple[QuerySet[Statement], bool]:
        """Summaries in both languages, quote, translation, speaker: apps/claims/search.py."""
        if not search_term.strip():
            return queryset, False
        return statements_matching(queryset, search_term), False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The same rules as services.statement_save, so the form opens read-only where the
        # save would be refused: reviewers edit published statements; retracted ones stay.
        allowed = super().has_change_permission(request, obj)
        if obj is not None and obj.state == EditorialState.RETRACTED:
            return False
        if obj is not None and obj.state == EditorialState.PUBLISHED:
            return allowed and request.user.has_perm("claims.publish_statement")
        return allowed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Published and retracted statements are part of the record: retract, never delete.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.state == EditorialState.DRAFT)

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict:
        actions = super().get_actions(request, action_location)
        # Bulk delete would skip the rule that only drafts may be deleted.
        actions.pop("delete_selected", None)
        return actions

    def has_submit_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.submit_statement")

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.publish_statement")

    def has_retract_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.retract_statement")

    def save_model(self, request: HttpRequest, obj: Statement, form: Any, change: bool) -> None:
        try:
            services.statement_save(statement=obj, user=request.user)
        except ValidationError as error:
            # Only when the statement moved on between opening and saving (published or
            # retracted meanwhile): the form was valid when it was checked.
            raise PermissionDenied("; ".join(error.messages)) from error

    def delete_model(self, request: HttpRequest, obj: Statement) -> None:
        try:
            services.statement_delete(statement=obj, user=request.user)
        except ValidationError as error:
            raise PermissionDenied("; ".join(error.messages)) from error

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Statement]) -> None:
        for statement in queryset:
            self.delete_model(request, statement)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.statement_citations_announce(statement=form.instance)
        if change and form.instance.state == EditorialState.PUBLISHED:
            previous = form.initial.get("company")
            services.statement_published_changed(
                statement=form.instance,
                user=request.user,
                previous_company=Company.objects.filter(pk=previous).first() if previous else None,
                previous_occurred_on=form.initial.get("occurred_on"),
            )

    def _apply(self, request: HttpRequest, statements: Any, service: Any, done: Any) -> None:
        succeeded = 0
        for statement in statements:
            try:
                service(statement=statement, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = "; ".join(error.messages) if isinstance(error, ValidationError) else error
                self.message_user(request, f"{statement}: {text}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(
                request,
                ngettext("%(n)d statement %(done)s.", "%(n)d statements %(done)s.", succeeded)
                % {"n": succeeded, "done": done},
            )

    @admin.action(
        description=_("Submit for review"), permissions=["submit"], location=BOTH_LOCATIONS
    )
    def submit_selected(self, request: HttpRequest, queryset: QuerySet[Statement]) -> None:
        self._apply(request, queryset, services.statement_submit, _("submitted for review"))

    @admin.action(description=_("Publish…"), permissions=["publish"], location=BOTH_LOCATIONS)
    def publish_selected(
        self, request: HttpRequest, queryset: QuerySet[Statement]
    ) -> HttpResponse | None:
        # First a page that shows what publishing does to each lab's stance; only its
        # confirm button publishes.
        if request.POST.get("confirm") == "yes":
            self._apply(request, queryset, services.statement_publish, _("published"))
            return None
        chosen = list(queryset.select_related("company").prefetch_related("citations"))
        ready = [s for s in chosen if publish_refusal(s) is None]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publish statements"),
            "effects": [
                effect_display(effect)
                for effect in selectors.publish_effects(statements=ready, on=timezone.localdate())
            ],
            "refused": [(s, publish_refusal(s)) for s in chosen if s not in ready],
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_field_name": _action_field_name(request),
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/claims/statement/publish_confirm.html", context)

    @admin.action(description=_("Retract…"), permissions=["retract"], location=BOTH_LOCATIONS)
    def retract_selected(
        self, request: HttpRequest, queryset: QuerySet[Statement]
    ) -> HttpResponse | None:
        form = RetractForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                lambda statement, user: services.statement_retract(
                    statement=statement, user=user, reason=reason
                ),
                _("retracted"),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Retract statements"),
            "form": form,
            "statements": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_field_name": _action_field_name(request),
        }
        return TemplateResponse(request, "admin/claims/statement/retract.html", context)
