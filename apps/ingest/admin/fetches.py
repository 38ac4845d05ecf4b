"""Fetch attempts: the admin's record of every feed poll and article fetch, read-only.

FetchAttemptInline shows a feed's or an article URL's recent fetches on its own page
(feeds.py, articles.py); FetchAttemptAdmin lists them all, to search errors across feeds.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import FetchAttempt


class FetchAttemptInline(admin.TabularInline):
    model = FetchAttempt
    fields = ["started_at", "outcome", "reason", "permanent", "http_status", "message"]
    readonly_fields = ["started_at", "outcome", "reason", "permanent", "http_status", "message"]
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-started_at"]
    verbose_name_plural = _("recent fetches")

    def get_queryset(self, request: HttpRequest) -> QuerySet[FetchAttempt]:
        return super().get_queryset(request).order_by("-started_at")


@admin.register(FetchAttempt)
class FetchAttemptAdmin(admin.ModelAdmin):
    list_display = ["started_at", "url", "outcome", "reason", "permanent", "new_items", "message"]
    list_filter = ["outcome", "reason", "permanent"]
    search_fields = ["url", "message"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
