"""Sources fetched for editors: "Add source from URL" records the request, a worker fetches
the page, and the editor follows it on a progress page to the new (or existing) source."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .. import progress, services, tasks
from ..models import ArticleState, SourceFetch


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
            self.admin_site.admin_view(require_safe(self.progress_view)),
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
