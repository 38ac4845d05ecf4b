"""Watched pages, and their changes with word diffs.

A waiting change is decided on its own page (the word diff, the lab and models it concerns, a
stance for the draft act, Accept / Reject), which editors open from the review queue beside the
article suggestions (apps/accounts/queue.py); a decided change's page is read-only. The list of
page changes is the watch's history, and its actions still decide several at once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.claims.models import Stance
from apps.lib.admin_next import next_url
from apps.lib.urls import url_validate

from ..diff import diff_counts, diff_html
from ..models import Review, Watch, WatchSnapshot
from ..services.review import page_change_accept, page_change_reject
from ..services.watches import watch_validate


class WatchForm(forms.ModelForm):
    class Meta:
        model = Watch
        fields = [
            "url", "title", "company", "ai_models", "interval_minutes", "selector", "ignore",
            "active",
        ]  # fmt: skip

    def clean_url(self) -> str:
        # What addwatch takes: an http(s) address we may fetch, in its canonical form. (The
        # model's URL field also takes ftp:, which no check can read nor act can cite.)
        return url_validate(self.cleaned_data["url"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            watch_validate(
                Watch(
                    selector=cleaned.get("selector") or "",
                    ignore=cleaned.get("ignore") or "",
                    interval_minutes=cleaned.get("interval_minutes") or 1,
                )
            )
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict) from error
        return cleaned


ACCEPT, REJECT = "_accept", "_reject"


class PageChangeDecisionForm(forms.Form):
    """What the draft act takes from the editor: its stance, and a summary if not the default."""

    stance = forms.ChoiceField(label=_("Stance of the act"), choices=Stance.choices)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty: “(the title of the page) changed.”"),
    )


class SnapshotInline(admin.TabularInline):
    model = WatchSnapshot
    fields = ("retrieved_at", "review", "change_ratio", "final_url")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    form = WatchForm
    list_display = ["__str__", "company", "state", "interval_minutes", "checked_at", "active"]
    list_filter = ["state", "active", "company"]
    search_fields = ["url", "title"]
    autocomplete_fields = ["company", "ai_models"]
    readonly_fields = ["state", "detail", "checked_at", "next_check_at"]
    inlines = [SnapshotInline]


@admin.register(WatchSnapshot)
class WatchSnapshotAdmin(admin.ModelAdmin):
    change_form_template = "admin/watch/watchsnapshot/change_form.html"
    list_display = ["__str__", "lab", "review", "words_changed", "retrieved_at"]
    list_filter = ["review", "watch__company"]
    list_select_related = ["watch", "watch__company"]
    actions = ["accept_selected", "reject_selected"]
    fields = (
        "watch", "lab", "concerned_models", "retrieved_at", "status", "final_url", "review",
        "words_changed", "word_diff", "statement", "decided_by", "decided_at", "text",
    )  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[WatchSnapshot]:
        return super().get_queryset(request).defer("raw")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("lab"))
    def lab(self, obj: WatchSnapshot) -> str:
        return str(obj.watch.company or "")

    @admin.display(description=_("models"))
    def concerned_models(self, obj: WatchSnapshot) -> str:
        return ", ".join(str(model) for model in obj.watch.ai_models.all())

    @admin.display(description=_("words changed"), ordering="change_ratio")
    def words_changed(self, obj: WatchSnapshot) -> str:
        if obj.change_ratio is None:
            return ""
        added, removed = diff_counts(obj.diff)
        return gettext("%(share)s (%(added)d added, %(removed)d removed)") % {
            "share": f"{obj.change_ratio:.0%}",
            "added": added,
            "removed": removed,
        }

    @admin.display(description=_("word diff"))
    def word_diff(self, obj: WatchSnapshot) -> SafeString:
        if not obj.diff:
            return format_html("<p>{}</p>", _("The first reading: nothing to compare with."))
        return diff_html(obj.diff)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        decidable = (
            obj is not None
            and obj.review == Review.PENDING
            and self.has_change_permission(request, obj)
        )
        context["decidable"] = decidable
        if decidable:
            context["title"] = _("Review a page change")
            context["decision"] = context.get("decision") or PageChangeDecisionForm(
                initial={"stance": Stance.MIXED}
            )
            context["lab_missing"] = obj.watch.company_id is None
        # Nothing on this page is saved as such: the decision is the only way to change it.
        context.update(show_save=False, show_save_and_continue=False)
        context.update(show_save_and_add_another=False, show_delete=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request: HttpRequest, obj: WatchSnapshot, form: Any, change: bool) -> None:
        """Every field is read-only: the services write the decision, never a Save."""

    def response_change(self, request: HttpRequest, obj: WatchSnapshot) -> HttpResponse:
        if ACCEPT not in request.POST and REJECT not in request.POST:
            return super().response_change(request, obj)
        back = HttpResponseRedirect(request.get_full_path())
        try:
            if ACCEPT in request.POST:
                decision = PageChangeDecisionForm(request.POST)
                if not decision.is_valid():
                    transaction.set_rollback(True)
                    self.message_user(request, _("Choose a stance for the act."), messages.ERROR)
                    return back
                statement = page_change_accept(
                    snapshot=obj,
                    user=request.user,
                    stance=decision.cleaned_data["stance"],
                    summary=decision.cleaned_data["summary"].strip(),
                )
                url = reverse("admin:claims_statement_change", args=[statement.pk])
                self.message_user(
                    request,
                    format_html(
                        gettext('Accepted: <a href="{}">a draft act</a> cites the watched page.'),
                        url,
                    ),
                )
            elif page_change_reject(snapshot=obj, user=request.user):
                self.message_user(request, _("Rejected: not a meaningful change."))
            else:
                raise ValidationError(gettext("This change was already decided."))
        except (ValidationError, PermissionDenied) as error:
            transaction.set_rollback(True)
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            self.message_user(request, f"{obj}: {text}", messages.ERROR)
            return back
        changes = reverse("admin:watch_watchsnapshot_changelist")
        return HttpResponseRedirect(next_url(request, f"{changes}?review__exact=pending"))

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[WatchSnapshot], accept: bool
    ) -> None:
        for snapshot in queryset.filter(review=Review.PENDING):
            try:
                if accept:
                    page_change_accept(snapshot=snapshot, user=request.user)
                else:
                    page_change_reject(snapshot=snapshot, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = "; ".join(error.messages) if isinstance(error, ValidationError) else error
                self.message_user(request, f"{snapshot}: {text}", messages.ERROR)

    @admin.action(description=_("Accept as a draft act (the policy changed)"))
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[WatchSnapshot]) -> None:
        self._decide(request, queryset, accept=True)

    @admin.action(description=_("Reject (not a meaningful change)"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[WatchSnapshot]) -> None:
        self._decide(request, queryset, accept=False)
