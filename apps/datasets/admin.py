"""The datasets in the admin: read-only records and claims, runs with their errors, and an
"Import now" action that only enqueues the import (no network in a web request). Saving a match
decision records it and enqueues its application to every dataset, which takes seconds; the
review queue's "applied" column follows it.

Editors and reviewers may read everything here; starting an import is for reviewers and
superusers (the ``datasets.import_dataset`` permission), since it rewrites many claims at once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.datasets.compare import disagreeing_claim_ids
from apps.datasets.matching import match_decide
from apps.datasets.models import (
    ClaimChange,
    Dataset,
    DatasetClaim,
    DatasetRecord,
    Disagreement,
    ImportRun,
    MatchDecision,
    RecordError,
)
from apps.datasets.tasks import dataset_import_task, match_decision_apply_task
from apps.lib.admin_columns import text_short, url_link


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ("key", "name", "licence", "url_setting", "homepage")
    readonly_fields = ("key", "name", "homepage", "licence", "attribution", "url_setting")
    actions = ["import_now"]

    def has_import_dataset_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("datasets.import_dataset"))

    @admin.action(description=_("Import now (in the background)"), permissions=["import_dataset"])
    def import_now(self, request: HttpRequest, queryset: QuerySet[Dataset]) -> None:
        keys = list(queryset.values_list("key", flat=True))
        transaction.on_commit(lambda: [dataset_import_task.delay(key) for key in keys], robust=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d import queued; its run appears under Import runs.",
                "%(count)d imports queued; their runs appear under Import runs.",
                len(keys),
            )
            % {"count": len(keys)},
            messages.SUCCESS,
        )


class RecordErrorInline(admin.TabularInline):
    model = RecordError
    fields = ("where", "message")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "dataset", "started_at", "state", "version", "read", "created", "changed",
        "unchanged", "errors", "matched", "to_review", "companies_created", "error",
    )  # fmt: skip
    list_filter = ("dataset", "state")
    readonly_fields = (
        "dataset", "started_at", "finished_at", "source", "version", "state", "dry_run",
        "read", "created", "changed", "unchanged", "errors", "matched", "to_review",
        "companies_created", "error",
    )  # fmt: skip
    inlines = [RecordErrorInline]


class DatasetClaimInline(admin.TabularInline):
    model = DatasetClaim
    fields = ("field", "value", "evidence_url", "notes")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DatasetRecord)
class DatasetRecordAdmin(ReadOnlyAdmin):
    # Fits a 1366-pixel screen (tests/test_admin_browser.py); the whole values are on the page.
    list_display = ("key", "dataset", "model", "company", "version_short", "read_at", "upstream")
    list_filter = ("dataset",)
    search_fields = ("key",)
    list_select_related = ("dataset", "model", "company")
    readonly_fields = (
        "dataset", "key", "model", "company", "version", "read_at", "upstream_url", "raw",
    )  # fmt: skip
    exclude = ("content_hash",)
    inlines = [DatasetClaimInline]

    @admin.display(description=_("dataset version"), ordering="version")
    def version_short(self, obj: DatasetRecord) -> str:
        return text_short(obj.version, 24)

    @admin.display(description=_("upstream record"))
    def upstream(self, obj: DatasetRecord) -> str:
        return url_link(obj.upstream_url)


@admin.register(DatasetClaim)
class DatasetClaimAdmin(ReadOnlyAdmin):
    list_display = ("record", "field", "value_short", "evidence", "dataset_name")
    list_filter = ("record__dataset", "field")
    search_fields = ("record__key", "field", "value")
    readonly_fields = ("record", "field", "value", "evidence_url", "notes")
    list_select_related = ("record__dataset",)

    @admin.display(description=_("claimed by"))
    def dataset_name(self, obj: DatasetClaim) -> str:
        return obj.record.dataset.name

    @admin.display(description=_("value"), ordering="value")
    def value_short(self, obj: DatasetClaim) -> str:
        return text_short(obj.value, 80)

    @admin.display(description=_("evidence"))
    def evidence(self, obj: DatasetClaim) -> str:
        return url_link(obj.evidence_url)


@admin.register(ClaimChange)
class ClaimChangeAdmin(ReadOnlyAdmin):
    list_display = ("claim", "old_value", "new_value", "old_version", "new_version", "changed_at")
    search_fields = ("claim__record__key", "claim__field")
    readonly_fields = (
        "claim",
        "old_value",
        "new_value",
        "old_version",
        "new_version",
        "changed_at",
    )


class MatchDecisionForm(forms.ModelForm):
    class Meta:
        model = MatchDecision
        fields = ("company", "model", "kept_apart")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("company") or data.get("model")
        if bool(chosen) == bool(data.get("kept_apart")):
            raise forms.ValidationError(
                _("Choose the company or model it is the same as, or keep it apart.")
            )
        kind = self.instance.kind
        if data.get("company") and kind != MatchDecision.Kind.ORGANISATION:
            self.add_error("company", _("A model's name is matched to a model."))
        if data.get("model") and kind != MatchDecision.Kind.MODEL:
            self.add_error("model", _("An organisation's name is matched to a company."))
        return data


class DecidedFilter(admin.SimpleListFilter):
    title = _("decided")
    parameter_name = "decided"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("waiting for review")), ("yes", _("decided"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {"no", "yes"}:
            return queryset.filter(decided_at__isnull=self.value() == "no")
        return queryset


@admin.register(MatchDecision)
class MatchDecisionAdmin(admin.ModelAdmin):
    """The review queue: names no exact match settled. Saving a decision records it and queues
    a worker to match every dataset again with it; "applied" says when that is done."""

    form = MatchDecisionForm
    list_display = (
        "name", "kind", "candidates", "company", "model", "kept_apart", "decided_by", "decided_at",
        "applied",
    )  # fmt: skip
    list_filter = (DecidedFilter, "kind")
    search_fields = ("name", "name_key")
    list_select_related = ("company", "model", "decided_by")
    raw_id_fields = ("company", "model")
    readonly_fields = (
        "kind", "name", "name_key", "candidates", "decided_by", "decided_at", "applied",
    )  # fmt: skip
    fields = (*readonly_fields, "company", "model", "kept_apart")
    actions = ["apply_again"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    @admin.display(description=_("applied"), ordering="applied_at")
    def applied(self, obj: MatchDecision) -> str:
        if not obj.is_decided:
            return "—"
        if obj.applied_at is None:
            return str(_("waiting for a worker"))
        return date_format(timezone.localtime(obj.applied_at), "SHORT_DATETIME_FORMAT")

    def save_model(self, request: HttpRequest, obj: MatchDecision, form: Any, change: bool) -> None:
        match_decide(
            decision=obj,
            user=request.user,
            enqueue=match_decision_apply_task.delay,
            company_id=obj.company_id,
            model_id=obj.model_id,
            kept_apart=obj.kept_apart,
        )
        self.message_user(
            request,
            _(
                "A worker now matches every dataset again with this decision; the “applied” "
                "column shows when it is done."
            ),
            messages.INFO,
        )

    @admin.action(description=_("Apply again (in the background)"), permissions=["change"])
    def apply_again(self, request: HttpRequest, queryset: QuerySet[MatchDecision]) -> None:
        """For a decision whose worker never came (a lost message): queue it once more."""
        ids = list(queryset.filter(decided_at__isnull=False).values_list("pk", flat=True))
        transaction.on_commit(
            lambda: [match_decision_apply_task.delay(pk) for pk in ids], robust=True
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d decision queued to be applied again.",
                "%(count)d decisions queued to be applied again.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )


@admin.register(Disagreement)
class DisagreementAdmin(ReadOnlyAdmin):
    """Claims that disagree with another dataset or with the editor's value, to resolve: the
    editor's value is changed on the model's own page, never by an import."""

    list_display = ("model_link", "field", "value", "dataset_name", "record_link")
    list_filter = ("record__dataset", "field")
    search_fields = ("record__key", "record__model__name", "field", "value")
    readonly_fields = ("record", "field", "value", "evidence_url", "notes")
    list_select_related = ("record__dataset", "record__model")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Disagreement]:
        return super().get_queryset(request).filter(pk__in=disagreeing_claim_ids())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("model"), ordering="record__model__name")
    def model_link(self, obj: Disagreement) -> str:
        model = obj.record.model
        if model is None:
            return ""
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">{}</a>)',
            reverse("admin:catalog_aimodel_change", args=[model.pk]),
            model.name,
            model.get_absolute_url(),
            _("public page"),
        )

    @admin.display(description=_("record"))
    def record_link(self, obj: Disagreement) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:datasets_datasetrecord_change", args=[obj.record_id]),
            obj.record.key,
        )

    @admin.display(description=_("claimed by"))
    def dataset_name(self, obj: Disagreement) -> str:
        return obj.record.dataset.name
