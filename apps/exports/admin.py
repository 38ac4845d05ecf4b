"""The exports' state in the admin, read-only: when the files were built, whether they lag the
record, whether a build runs, and the last failure with its error."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ExportState


@admin.register(ExportState)
class ExportStateAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "last_finished_at",
        "last_rows",
        "last_seconds",
        "dirty_at",
        "claimed_at",
        "last_failed_at",
        "checked_at",
    )
    readonly_fields = (
        "last_finished_at",
        "last_started_at",
        "last_seconds",
        "last_rows",
        "builds",
        "dirty_at",
        "claimed_at",
        "watermark",
        "checked_at",
        "last_failed_at",
        "last_error",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
