"""Feeds: add one (its URL checked as any URL we fetch), poll it soon, pause and resume it, and
read its failure counts and recent fetches. Pausing and resuming go through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Feed
from .fetches import FetchAttemptInline


class FeedForm(forms.ModelForm):
    class Meta:
        model = Feed
        fields = ["url", "title", "poll_interval_minutes", "next_poll_at", "is_paused"]

    def clean_url(self) -> str:
        return services.url_validate(self.cleaned_data["url"])


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    form = FeedForm
    list_display = [
        "__str__",
        "kind",
        "poll_interval_minutes",
        "next_poll_at",
        "last_success_at",
        "is_paused",
        "consecutive_failures",
        "temporary_failures",
        "permanent_failures",
        "last_error_short",
    ]
    list_filter = ["is_paused", "kind"]
    search_fields = ["url", "title"]
    readonly_fields = [
        "kind",
        "paused_reason",
        "last_polled_at",
        "last_success_at",
        "last_error",
        "last_error_at",
        "consecutive_failures",
        "temporary_failures",
        "permanent_failures",
        "etag",
        "last_modified",
    ]
    inlines = [FetchAttemptInline]
    actions = ["poll_soon", "pause_selected", "resume_selected"]

    @admin.display(description=_("last error"))
    def last_error_short(self, obj: Feed) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Poll selected feeds within a minute"), permissions=["change"])
    def poll_soon(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        count = queryset.update(next_poll_at=timezone.now())
        self.message_user(
            request, _("%(n)d feed(s) will be polled at the next tick.") % {"n": count}
        )

    @admin.action(description=_("Pause selected feeds"), permissions=["change"])
    def pause_selected(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            services.feed_pause(feed=feed, reason=f"Paused by {request.user}.")
        self.message_user(request, _("Paused."))

    @admin.action(
        description=_("Resume selected feeds (and reset failure counts)"), permissions=["change"]
    )
    def resume_selected(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            services.feed_resume(feed=feed)
        self.message_user(request, _("Resumed; they will be polled at the next tick."))
