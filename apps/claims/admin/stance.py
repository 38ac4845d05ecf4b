"""Pinned stances, the derived stance changes and the imported acts, as editors read them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.lib.history_admin import HistoryAdmin
from apps.lib.urls import web_link

from .. import services
from ..models import (
    RecordedAct,
    StanceAssessment,
    StanceChange,
)


@admin.register(StanceAssessment)
class StanceAssessmentAdmin(HistoryAdmin):
    list_display = ["company", "effective_from", "effective_until", "stance", "is_active"]
    list_filter = ["company", "stance", "is_active"]
    autocomplete_fields = ["company"]
    readonly_fields = ["created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and request.user.has_perm(
            "claims.publish_statement"
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and request.user.has_perm(
            "claims.publish_statement"
        )

    def save_model(
        self, request: HttpRequest, obj: StanceAssessment, form: Any, change: bool
    ) -> None:
        services.assessment_save(assessment=obj, user=request.user)

    def delete_model(self, request: HttpRequest, obj: StanceAssessment) -> None:
        services.assessment_delete(assessment=obj, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StanceAssessment]) -> None:
        for assessment in queryset:
            services.assessment_delete(assessment=assessment, user=request.user)


@admin.register(StanceChange)
class StanceChangeAdmin(admin.ModelAdmin):
    list_display = ["company", "date", "old_stance", "new_stance", "rating", "superseded_at"]
    list_filter = ["company", "rating", ("superseded_at", admin.EmptyFieldListFilter)]
    list_select_related = ["company"]
    date_hierarchy = "date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RecordedAct)
class RecordedActAdmin(admin.ModelAdmin):
    """The acts imports recorded, for editors to see what weighs in each lab's "does" stance.

    Read-only: acts are written only by acts.acts_record, which an import calls with the
    dataset's record, so a correction belongs in the dataset's record or in the match decision
    that named the lab or model; a change made here would be undone by the next import.
    """

    list_display = [
        "occurred_on",
        "company",
        "subject",
        "model_link",
        "access_level",
        "stance",
        "origin",
        "record_link",
    ]
    list_filter = ["origin", "stance", "access_level", "company"]
    list_select_related = ["company", "ai_model"]
    search_fields = ["subject", "company__name", "ai_model__name", "access_level", "origin_key"]
    date_hierarchy = "occurred_on"
    readonly_fields = (
        "company", "ai_model", "subject", "occurred_on", "date_precision", "access_level",
        "stance", "origin", "origin_key", "record_link", "attribution", "created_at",
        "updated_at",
    )  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("model"), ordering="ai_model__name")
    def model_link(self, obj: RecordedAct) -> str:
        if obj.ai_model is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:catalog_aimodel_change", args=[obj.ai_model_id]),
            obj.ai_model.name,
        )

    @admin.display(description=_("upstream record"))
    def record_link(self, obj: RecordedAct) -> str:
        link = web_link(obj.origin_url)
        if not link:
            return obj.origin_url or "—"
        return format_html('<a href="{}" rel="noopener nofollow">{}</a>', link, link)
