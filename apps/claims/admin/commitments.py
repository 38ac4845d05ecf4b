"""The desk for commitments: editors mark them, reviewers record outcomes and decide the
outcome suggestions acts make. Every write goes through apps/claims/commitments.py."""

from __future__ import annotations

import datetime
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
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.lib.admin_columns import text_short
from apps.lib.history_admin import HistoryAdmin

from .. import commitment_suggestions, commitments
from ..models import (
    UNRESOLVED,
    VERDICTS,
    Commitment,
    CommitmentOutcome,
    CommitmentStatus,
    EditorialState,
    OutcomeSuggestion,
    SuggestionState,
)

BOTH_LOCATIONS = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


class OutcomeForm(forms.ModelForm):
    """A reviewer's verdict: checked here as the service checks it, so the form says why."""

    class Meta:
        model = CommitmentOutcome
        fields = ["outcome", "deciding_statement", "deciding_act", "rationale", "rationale_ja"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", "---------")] + [  # type: ignore[attr-defined]
            (kind.value, kind.label) for kind in VERDICTS
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.has_changed() or data.get("DELETE"):
            return data
        if not data.get("deciding_statement") and not data.get("deciding_act"):
            raise forms.ValidationError(commitments.NO_EVIDENCE)
        statement = data.get("deciding_statement")
        if statement is not None and statement.state != EditorialState.PUBLISHED:
            self.add_error("deciding_statement", _("The deciding statement must be published."))
        return data


class OutcomeFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        new = [form for form in self.extra_forms if form.has_changed()]
        commitment = self.instance
        if new and commitment.pk and commitment.status not in UNRESOLVED:
            raise forms.ValidationError(
                _("This commitment is resolved already: reopen it first (the earlier outcome "
                  "stays in its history).")
            )  # fmt: skip
        if len(new) > 1:
            raise forms.ValidationError(_("Record one outcome at a time."))


class OutcomeInline(admin.StackedInline):
    """The history, read-only, and one blank outcome for a reviewer to record."""

    model = CommitmentOutcome
    form = OutcomeForm
    formset = OutcomeFormSet
    extra = 1
    max_num = 1000
    can_delete = False
    fields = ["outcome", "deciding_statement", "deciding_act", "rationale", "rationale_ja"]
    autocomplete_fields = ["deciding_statement"]
    raw_id_fields = ["deciding_act"]
    verbose_name = _("outcome")
    verbose_name_plural = _("outcomes (the whole history; add one to record a verdict)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("claims.record_outcome") and (
            obj is None or obj.status in UNRESOLVED
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # outcomes are only ever added

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("claims.view_commitmentoutcome")


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("passed", _("due date passed, unresolved")),
            ("soon", _("due within 30 days")),
            ("condition", _("on a condition, no date")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> Any:
        today = timezone.localdate()
        if self.value() == "passed":
            return queryset.filter(status__in=UNRESOLVED, due_on__lt=today)
        if self.value() == "soon":
            return queryset.filter(
                status__in=UNRESOLVED,
                due_on__gte=today,
                due_on__lte=today + datetime.timedelta(days=30),
            )
        if self.value() == "condition":
            return queryset.filter(due_on__isnull=True)
        return queryset


class ReopenForm(forms.Form):
    rationale = forms.CharField(label=_("Why reopen it"), widget=forms.Textarea)


@admin.register(Commitment)
class CommitmentAdmin(HistoryAdmin):
    list_display = ["promise_short", "status", "lab", "due_on", "condition_short", "suggestions"]
    list_filter = ["status", DueFilter, "statement__company"]
    list_select_related = ["statement", "statement__company"]
    search_fields = ["promise", "promise_ja", "promised_by", "statement__search_text"]
    autocomplete_fields = ["statement", "ai_models"]
    readonly_fields = ["status", "status_changed_at", "created_by"]
    inlines = [OutcomeInline]
    actions = ["reopen_selected"]
    fieldsets = [
        (None, {"fields": ["statement", "promise", "promise_ja", "promised_by"]}),
        (_("When it falls due"), {"fields": ["due_on", "condition", "condition_ja"]}),
        (_("How it is decided"), {"fields": ["evidence_rule", "evidence_rule_ja"]}),
        (_("Acts proposed to resolve it"), {"fields": ["ai_models", "keywords"]}),
        (_("Status"), {"fields": ["status", "status_changed_at", "created_by"]}),
    ]

    @admin.display(description=_("what was promised"), ordering="promise")
    def promise_short(self, obj: Commitment) -> str:
        return text_short(obj.promise, 80)

    @admin.display(description=_("lab"), ordering="statement__company__name")
    def lab(self, obj: Commitment) -> str:
        return obj.statement.company.name

    @admin.display(description=_("condition"))
    def condition_short(self, obj: Commitment) -> str:
        return text_short(obj.condition, 50)

    @admin.display(description=_("suggestions waiting"))
    def suggestions(self, obj: Commitment) -> str:
        waiting = obj.suggestions.filter(state=SuggestionState.PENDING).count()
        if not waiting:
            return "—"
        url = reverse("admin:claims_outcomesuggestion_changelist")
        return format_html(
            '<a href="{}?commitment__id__exact={}&state__exact=pending">{}</a>',
            url,
            obj.pk,
            waiting,
        )

    def has_reopen_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.record_outcome")

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict:
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # a commitment with a history is part of the record
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.outcomes.exists())

    def save_model(self, request: HttpRequest, obj: Commitment, form: Any, change: bool) -> None:
        try:
            commitments.commitment_save(commitment=obj, user=request.user)
        except ValidationError as error:
            raise PermissionDenied("; ".join(error.messages)) from error

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not CommitmentOutcome:
            super().save_formset(request, form, formset, change)
            return
        # What the admin's change message reads (it lists the formset's new objects).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for outcome_form in formset.extra_forms:
            if not outcome_form.has_changed():
                continue
            data = outcome_form.cleaned_data
            try:
                row = commitments.commitment_outcome_record(
                    commitment=form.instance,
                    user=request.user,
                    outcome=data["outcome"],
                    rationale=data.get("rationale", ""),
                    rationale_ja=data.get("rationale_ja", ""),
                    deciding_statement=data.get("deciding_statement"),
                    deciding_act=data.get("deciding_act"),
                )
            except ValidationError as error:
                raise PermissionDenied("; ".join(error.messages)) from error
            formset.new_objects.append(row)

    @admin.action(description=_("Reopen…"), permissions=["reopen"], location=BOTH_LOCATIONS)
    def reopen_selected(
        self, request: HttpRequest, queryset: QuerySet[Commitment]
    ) -> HttpResponse | None:
        form = ReopenForm(request.POST if "rationale" in request.POST else None)
        if form.is_valid():
            done = 0
            for commitment in queryset:
                try:
                    commitments.commitment_reopen(
                        commitment=commitment,
                        user=request.user,
                        rationale=form.cleaned_data["rationale"],
                    )
                except ValidationError as error:
                    self.message_user(
                        request, f"{commitment}: {'; '.join(error.messages)}", messages.ERROR
                    )
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d commitment reopened.", "%(n)d commitments reopened.", done
                    ) % {"n": done},
                )  # fmt: skip
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reopen commitments"),
            "form": form,
            "commitments": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_field_name": next(
                (name for name in request.POST if name.endswith("action")), "action"
            ),
        }
        return TemplateResponse(request, "admin/claims/commitment/reopen.html", context)


@admin.register(OutcomeSuggestion)
class OutcomeSuggestionAdmin(admin.ModelAdmin):
    """The reviewers' queue: acts that may decide a pending commitment. A reviewer may edit
    the proposed outcome and its rationale, then accept (the verdict is theirs) or dismiss."""

    # The state second, as in every queue: it stays in view on a 1366-pixel screen.
    list_display = ["commitment_link", "state", "outcome", "act", "created_at"]
    list_filter = ["state", "outcome", "commitment__status", "commitment__statement__company"]
    list_select_related = ["commitment", "act_statement", "recorded_act"]
    fields = ["commitment_link", "act", "outcome", "rationale", "state", "decided_by"]
    readonly_fields = ["commitment_link", "act", "state", "decided_by"]
    actions = ["accept_selected", "dismiss_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.state == SuggestionState.PENDING)

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.record_outcome")

    @admin.display(description=_("commitment"))
    def commitment_link(self, obj: OutcomeSuggestion) -> str:
        url = reverse("admin:claims_commitment_change", args=[obj.commitment_id])
        status = CommitmentStatus(obj.commitment.status).label
        return format_html(
            '<a href="{}">{}</a> ({})', url, text_short(obj.commitment.promise, 70), status
        )

    @admin.display(description=_("act"))
    def act(self, obj: OutcomeSuggestion) -> str:
        if obj.act_statement is not None:
            url = reverse("admin:claims_statement_change", args=[obj.act_statement_id])
            return format_html(
                '<a href="{}">{}</a>', url, text_short(obj.act_statement.summary, 80)
            )
        act = obj.recorded_act
        assert act is not None, "outcomesuggestion_one_act guarantees this"
        url = reverse("admin:claims_recordedact_change", args=[act.pk])
        return format_html('<a href="{}">{}: {}</a>', url, act.subject, act.access_level)

    def _decide(self, request: HttpRequest, queryset: Any, service: Any, done: Any) -> None:
        count = 0
        for suggestion in queryset:
            try:
                service(suggestion=suggestion, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = "; ".join(error.messages) if isinstance(error, ValidationError) else error
                self.message_user(request, f"{suggestion}: {text}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(
                request,
                ngettext("%(n)d suggestion %(done)s.", "%(n)d suggestions %(done)s.", count)
                % {"n": count, "done": done},
            )

    @admin.action(description=_("Accept: record the outcome"), permissions=["decide"])
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[OutcomeSuggestion]) -> None:
        self._decide(
            request, queryset, commitment_suggestions.outcome_suggestion_accept, _("accepted")
        )

    @admin.action(description=_("Dismiss"), permissions=["decide"])
    def dismiss_selected(self, request: HttpRequest, queryset: QuerySet[OutcomeSuggestion]) -> None:
        self._decide(
            request, queryset, commitment_suggestions.outcome_suggestion_dismiss, _("dismissed")
        )


def statement_commitment(obj: Any) -> str:
    """On a statement's admin page: its commitment, or the door to mark it as one."""
    if obj is None or obj.pk is None:
        return "—"
    commitment = Commitment.objects.filter(statement=obj).first()
    if commitment is None:
        url = reverse("admin:claims_commitment_add") + f"?statement={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Mark as a commitment…"))
    url = reverse("admin:claims_commitment_change", args=[commitment.pk])
    status = CommitmentStatus(commitment.status).label
    return format_html('<a href="{}">{}</a> ({})', url, text_short(commitment.promise, 80), status)
