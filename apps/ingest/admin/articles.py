"""Articles and article URLs: what was fetched, and the editors' "Ingest URLs now".

"Ingest URLs now" (on the articles list) and "Fetch selected URLs again now" (on the article
URLs list) only record and queue the URLs: a worker fetches them, and the editor follows them
on the progress page (apps/ingest/progress.py), so nothing is fetched in the request.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from apps.lib.admin_columns import text_short, url_short
from apps.lib.fetch import contacted_host

from .. import progress, services, tasks
from ..conf import ingest_conf
from ..models import Article, ArticleURL, Mention
from .fetches import FetchAttemptInline


class ArticleURLInline(admin.TabularInline):
    model = ArticleURL
    fields = ["url", "state", "attempts", "feed", "last_error"]
    readonly_fields = ["url", "state", "attempts", "feed", "last_error"]
    extra = 0
    max_num = 0
    can_delete = False


class MentionInline(admin.TabularInline):
    model = Mention
    fields = ["matched_text", "company", "family", "ai_model", "person", "alias", "start", "end"]
    readonly_fields = ["matched_text", "company", "family", "ai_model", "person", "alias"]
    readonly_fields += ["start", "end"]
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
    # Fits a 1366-pixel screen (tests/test_admin_browser.py); the rest is on each article's page.
    list_display = ["title_short", "site_name", "language", "published_at", "feed_short"]
    # "published: empty" lists the articles whose page stated no date, for an editor to date.
    list_filter = ["language", ("published_at", admin.EmptyFieldListFilter), "feed"]
    list_select_related = ["feed"]
    search_fields = ["title", "url", "text"]
    date_hierarchy = "created_at"
    inlines = [ArticleURLInline, MentionInline]
    # Everything is as fetched and read, except the date: where the page states none of its
    # own, it is empty (apps/lib/page_dates.py) and an editor sets it here.
    readonly_fields = [
        "url",
        "title",
        "site_name",
        "author",
        "language",
        "content_hash",
        "raw_content_type",
        "raw_charset",
        "feed",
        "source",
        "fetched_at",
        "extracted_at",
        "display_html",
        "text",
    ]
    exclude = ["html"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("title"), ordering="title")
    def title_short(self, obj: Article) -> str:
        return text_short(str(obj), 90)

    @admin.display(description=_("first seen in"), ordering="feed")
    def feed_short(self, obj: Article) -> str:
        if obj.feed is None:
            return "—"
        return text_short(obj.feed.title, 40) if obj.feed.title else url_short(obj.feed.url)

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
    list_display = ["url_short", "state", "attempts", "article_short", "error_short"]
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
    list_select_related = ["article"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("canonical URL"), ordering="url")
    def url_short(self, obj: ArticleURL) -> str:
        return url_short(obj.url, 60)

    @admin.display(description=_("article"), ordering="article")
    def article_short(self, obj: ArticleURL) -> str:
        return text_short(str(obj.article), 60) if obj.article else "—"

    @admin.display(description=_("last error"))
    def error_short(self, obj: ArticleURL) -> str:
        return text_short(obj.last_error, 80)

    def get_urls(self) -> list:
        follow = path(
            "progress/",
            self.admin_site.admin_view(require_safe(self.progress_view)),
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
