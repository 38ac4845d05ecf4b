"""Watched pages, and the review queue of their changes with word diffs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ..diff import diff_html
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
    list_display = ["__str__", "lab", "review", "words_changed", "retrieved_at"]
    list_filter = ["review", "watch__company"]
    list_select_related = ["watch", "watch__company"]
    actions = ["accept_selected", "reject_selected"]
    fields = (
        "watch", "retrieved_at", "status", "final_url", "review", "words_changed", "word_diff",
        "statement", "decided_by", "decided_at", "text",
    )  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[WatchSnapshot]:
        return super().get_queryset(request).defer("raw")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("lab"))
    def lab(self, obj: WatchSnapshot) -> str:
        return str(obj.watch.company or "")

    @admin.display(description=_("words changed"), ordering="change_ratio")
    def words_changed(self, obj: WatchSnapshot) -> str:
        return "" if obj.change_ratio is None else f"{obj.change_ratio:.0%}"

    @admin.display(description=_("word diff"))
    def word_diff(self, obj: WatchSnapshot) -> SafeString:
        if not obj.diff:
            return format_html("<p>{}</p>", _("The first reading: nothing to compare with."))
        return diff_html(obj.diff)

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
