"""The link-rot queue: cited sources whose last check found them moved, gone, unreachable,
unreadable or changed since they were cited, with the word diff; an editor marks what they saw.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..diff import diff_html
from ..models import SourceCheck
from ..services.sources import source_check_acknowledge


class AttentionFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("attention", _("needs attention")), ("all", _("all sources"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "all":
            return queryset
        return SourceCheck.objects.needs_attention().filter(pk__in=queryset.values("pk"))

    def choices(self, changelist: Any) -> Any:
        # "needs attention" is the default view, so the queue is what an editor opens.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "attention") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(SourceCheck)
class SourceCheckAdmin(admin.ModelAdmin):
    list_display = ["source", "state", "moved_to", "change_percent", "checked_at", "changed_at"]
    list_filter = [AttentionFilter, "state"]
    list_select_related = ["source"]
    search_fields = ["source__url", "source__title"]
    actions = ["acknowledge_selected"]
    fields = (
        "source",
        "state",
        "detail",
        "moved_to",
        "change_percent",
        "word_diff",
        "checked_at",
        "changed_at",
        "next_check_at",
        "acknowledged_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[SourceCheck]:
        return super().get_queryset(request).defer("source__snapshot_raw", "source__snapshot_text")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from citations

    @admin.display(description=_("words changed"), ordering="change_ratio")
    def change_percent(self, obj: SourceCheck) -> str:
        return "" if obj.change_ratio is None else f"{obj.change_ratio:.0%}"

    @admin.display(description=_("word diff"))
    def word_diff(self, obj: SourceCheck) -> SafeString:
        if not obj.diff:
            return format_html("<p>{}</p>", _("No change recorded."))
        return diff_html(obj.diff)

    @admin.action(description=_("Mark as seen (out of the queue until the state changes)"))
    def acknowledge_selected(self, request: HttpRequest, queryset: QuerySet[SourceCheck]) -> None:
        if not request.user.has_perm("watch.change_sourcecheck"):
            self.message_user(request, _("You may not change source checks."), messages.ERROR)
            return
        count = source_check_acknowledge(checks=queryset)
        self.message_user(
            request,
            ngettext("%(n)d source marked as seen.", "%(n)d sources marked as seen.", count)
            % {"n": count},
        )
