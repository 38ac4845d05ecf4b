"""The ingestion desk: feeds and their errors, articles, and the suggestion review queue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from apps.lib.fetch import contacted_host

from . import progress, services, tasks
from .conf import ingest_conf
from .models import (
    Article,
    ArticleState,
    ArticleURL,
    Classifier,
    Feed,
    FetchAttempt,
    Mention,
    SourceFetch,
    Suggestion,
    SuggestionState,
)


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


class ArticleURLInline(admin.TabularInline):
    model = ArticleURL
    fields = ["url", "state", "attempts", "feed", "last_error"]
    readonly_fields = ["url", "state", "attempts", "feed", "last_error"]
    extra = 0
    max_num = 0
    can_delete = False


class MentionInline(admin.TabularInline):
    model = Mention
    fields = ["matched_text", "company", "ai_model", "start", "end"]
    readonly_fields = ["matched_text", "company", "ai_model", "start", "end"]
    extra = 0
    max_num = 0
    can_delete = False


class IngestUrlsForm(forms.Form):
    urls = forms.CharField(
        label=_("Article URLs, one a line"), widget=forms.Textarea(attrs={"rows": 8, "cols": 90})
    )

    def clean_urls(self) -> list[str]:
        urls = [line.strip() for line in self.cleaned_data["urls"].splitlines() if line.strip()]
        limit = ingest_conf().urls_at_once
        if len(urls) > limit:
            raise forms.ValidationError(_("At most %(n)d URLs at once.") % {"n": limit})
        return urls


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "language", "site_name", "published_at", "created_at", "feed"]
    list_filter = ["language", "feed"]
    list_select_related = ["feed"]
    search_fields = ["title", "url", "text"]
    date_hierarchy = "created_at"
    inlines = [ArticleURLInline, MentionInline]
    readonly_fields = [
        "url",
        "title",
        "site_name",
        "author",
        "published_at",
        "language",
        "content_hash",
        "raw_content_type",
        "raw_charset",
        "feed",
        "source",
        "fetched_at",
        "display_html",
        "text",
    ]
    exclude = ["html"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("display HTML (sanitised)"))
    def display_html(self, obj: Article) -> str:
        # Sanitised by nh3 before it was stored (apps.ingest.extract.html_sanitize).
        return format_html("<div>{}</div>", _mark_safe(obj.html))

    def get_urls(self) -> list:
        ingest_urls = path(
            "ingest-urls/",
            self.admin_site.admin_view(self.ingest_urls_view),
            name="ingest_article_ingest_urls",
        )
        return [ingest_urls, *super().get_urls()]

    def ingest_urls_view(self, request: HttpRequest) -> HttpResponse:
        """Record the URLs and queue them for a worker, then follow them on the progress page;
        nothing is fetched in the request."""
        if not request.user.has_perm("ingest.add_articleurl"):
            raise PermissionDenied
        form = IngestUrlsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            rows, refused = services.article_urls_queue(
                urls=form.cleaned_data["urls"], enqueue=tasks.article_ingest.delay
            )
            refusals = [
                _("Refused %(url)s (host contacted: %(host)s): %(why)s")
                % {"url": url, "host": contacted_host(url) or "—", "why": why}
                for url, why in refused
            ]
            if rows:
                for refusal in refusals:
                    self.message_user(request, refusal, messages.ERROR)
                return HttpResponseRedirect(
                    progress.article_urls_progress_url([row.pk for row in rows])
                )
            for refusal in refusals:
                form.add_error("urls", refusal)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ingest URLs now"),
            "form": form,
            "limit": ingest_conf().urls_at_once,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/ingest/article/ingest_urls.html", context)


def _mark_safe(html: str) -> Any:
    from django.utils.safestring import mark_safe

    return mark_safe(html)  # noqa: S308 - stored only after nh3 sanitising


@admin.register(ArticleURL)
class ArticleURLAdmin(admin.ModelAdmin):
    list_display = ["url", "state", "attempts", "feed", "article", "last_error"]
    list_filter = ["state", "feed"]
    search_fields = ["url"]
    readonly_fields = [
        "url",
        "article",
        "feed",
        "entry_title",
        "entry_published_at",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "done_at",
    ]
    inlines = [FetchAttemptInline]
    actions = ["retry_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list:
        follow = path(
            "progress/",
            self.admin_site.admin_view(require_GET(self.progress_view)),
            name="ingest_articleurl_progress",
        )
        return [follow, *super().get_urls()]

    def progress_view(self, request: HttpRequest) -> HttpResponse:
        """The URLs of ``?id=…`` as the worker leaves them (see apps/ingest/progress.py)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids = progress.ids_read(request.GET.getlist("id"))
        rows = ArticleURL.objects.filter(pk__in=ids).select_related("article").order_by("pk")
        return progress.progress_render(
            request,
            admin_site=self.admin_site,
            opts=self.model._meta,
            title=_("Fetching article URLs"),
            lines=[progress.article_url_line(row) for row in rows],
        )

    @admin.action(description=_("Fetch selected URLs again now"), permissions=["change"])
    def retry_selected(
        self, request: HttpRequest, queryset: QuerySet[ArticleURL]
    ) -> HttpResponse | None:
        ids = list(queryset.values_list("pk", flat=True))
        queued = services.article_urls_retry(ids=ids, enqueue=tasks.article_ingest.delay)
        if not queued:
            self.message_user(
                request,
                _("Nothing to fetch again: only failed or waiting URLs are fetched again."),
                messages.WARNING,
            )
            return None
        if len(queued) > progress.PROGRESS_MAX_ROWS:
            self.message_user(
                request,
                _("%(n)d URLs will be fetched again; the first %(shown)d are followed here.")
                % {"n": len(queued), "shown": progress.PROGRESS_MAX_ROWS},
            )
        return HttpResponseRedirect(progress.article_urls_progress_url(queued))


class SourceFetchForm(forms.Form):
    url = forms.URLField(
        label=_("Page URL"),
        max_length=1000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )


@admin.register(SourceFetch)
class SourceFetchAdmin(admin.ModelAdmin):
    """ "Add source from URL": the form records the request and a worker fetches the page.

    The Sources list links its "Add source from URL" button here (by URL name, in the template:
    the record's apps never import ingestion).
    """

    list_display = ["url", "state", "source_link", "requested_by", "created_at", "last_error"]
    list_filter = ["state"]
    list_select_related = ["source", "requested_by"]
    search_fields = ["url"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "url",
        "state",
        "source",
        "source_created",
        "last_error",
        "attempts",
        "requested_by",
        "created_at",
        "done_at",
    ]
    fields = list(readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and request.user.has_perm(
            services.source_add_permission()
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("source"))
    def source_link(self, obj: SourceFetch) -> str:
        if obj.source is None:
            return "—"
        return format_html('<a href="{}">{}</a>', progress.change_url(obj.source), obj.source)

    def get_urls(self) -> list:
        follow = path(
            "<int:pk>/progress/",
            self.admin_site.admin_view(require_GET(self.progress_view)),
            name="ingest_sourcefetch_progress",
        )
        return [follow, *super().get_urls()]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SourceFetchForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                row = services.source_fetch_request(
                    url=form.cleaned_data["url"],
                    user=request.user,
                    enqueue=tasks.source_fetch.delay,
                )
            except ValidationError as error:
                form.add_error("url", error)
            else:
                if row.state == ArticleState.DONE and row.source is not None:
                    self.message_user(
                        request, _("This page is already a source."), messages.WARNING
                    )
                    return HttpResponseRedirect(progress.change_url(row.source))
                return HttpResponseRedirect(
                    reverse("admin:ingest_sourcefetch_progress", args=[row.pk])
                )
        source_opts = SourceFetch._meta.get_field("source").related_model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add source from URL"),
            "form": form,
            "opts": self.model._meta,
            "source_opts": source_opts,
        }
        return TemplateResponse(request, "admin/ingest/sourcefetch/add.html", context)

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        row = get_object_or_404(SourceFetch.objects.select_related("source"), pk=pk)
        return progress.progress_render(
            request,
            admin_site=self.admin_site,
            opts=self.model._meta,
            title=_("Add source from URL"),
            lines=[progress.source_fetch_line(row)],
        )


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
