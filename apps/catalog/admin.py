from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.lib.history_admin import HistoryAdmin
from apps.lib.urls import url_canonicalize

from . import services
from .models import (
    AIModel,
    Alias,
    Company,
    ModelFamily,
    ModelStatusChange,
    OpennessComponent,
    Person,
    Publisher,
    Source,
)
from .naming import rule_effective


class CompanyAliasInline(admin.TabularInline):
    model = Alias
    fk_name = "company"
    fields = ["name", "language", "match_rule"]
    extra = 1


class ModelAliasInline(CompanyAliasInline):
    fk_name = "model"


class FamilyAliasInline(CompanyAliasInline):
    fk_name = "family"


@admin.display(description=_("matched"))
def rule_applied(obj: Any) -> str:
    """The rule ingestion applies to the name: the editor's, or the one decided by the name."""
    alias = isinstance(obj, Alias)
    lab = isinstance(obj, Company) or (alias and obj.company_id is not None)
    return str(rule_effective(rule=obj.match_rule, name=obj.name, lab=lab, alias=alias).label)


class ModelStatusChangeInline(admin.TabularInline):
    """New entries only: readers were told of each recorded one (its alert event), and deleting
    it would delete that event too. A correction is a new entry."""

    model = ModelStatusChange
    fields = ["status", "date", "date_precision", "is_reported", "note", "source"]
    autocomplete_fields = ["source"]
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OpennessComponentInline(admin.TabularInline):
    model = OpennessComponent
    fields = ["component", "openness", "note", "source"]
    autocomplete_fields = ["source"]
    extra = 0


@admin.register(Company)
class CompanyAdmin(HistoryAdmin):
    list_display = ["name", "slug", "parent", "is_lab", rule_applied]
    list_filter = ["is_lab"]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [CompanyAliasInline]


@admin.register(AIModel)
class AIModelAdmin(HistoryAdmin):
    list_display = ["name", "developer", "family", "parameter_count", "access_level", rule_applied]
    list_filter = ["access_level", "developer"]
    list_select_related = ["developer", "family"]
    search_fields = ["name", "slug", "family__name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["developer", "family"]
    inlines = [ModelAliasInline, ModelStatusChangeInline, OpennessComponentInline]

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        """New status entries go through the service, so readers are told about them.

        The inline offers nothing else (no edits, no deletes), and nothing else is saved.
        """
        if formset.model is not ModelStatusChange:
            super().save_formset(request, form, formset, change)
            return
        for obj in formset.save(commit=False):
            if obj.pk is None:
                services.model_status_add(
                    model=form.instance,
                    status=obj.status,
                    date=obj.date,
                    date_precision=obj.date_precision,
                    is_reported=obj.is_reported,
                    note=obj.note,
                    source=obj.source,
                    user=request.user,
                )


class FamilyMemberInline(admin.TabularInline):
    """The family's models, to read here; a model joins or leaves a family on its own page."""

    model = AIModel
    fields = ["name", "access_level"]
    readonly_fields = ["name", "access_level"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


@admin.register(ModelFamily)
class ModelFamilyAdmin(HistoryAdmin):
    list_display = ["name", "developer", rule_applied]
    list_select_related = ["developer"]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["developer"]
    inlines = [FamilyAliasInline, FamilyMemberInline]


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "role", "company"]
    list_select_related = ["company"]
    search_fields = ["name", "role", "company__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["company"]


@admin.register(Publisher)
class PublisherAdmin(HistoryAdmin):
    list_display = ["name", "domain", "language", "company"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["company"]


@admin.register(Alias)
class AliasAdmin(HistoryAdmin):
    list_display = ["name", "language", "company", "model", "family", "match_rule", rule_applied]
    list_filter = ["language", "match_rule"]
    list_select_related = ["company", "model", "family"]
    search_fields = ["name"]
    autocomplete_fields = ["company", "model", "family"]


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = [
            "url",
            "title",
            "publisher",
            "language",
            "kind",
            "cites",
            "published_at",
            "retrieved_at",
            "snapshot_text",
        ]

    def clean_url(self) -> str:
        try:
            return url_canonicalize(self.cleaned_data["url"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    form = SourceForm
    list_display = ["title", "publisher", "kind", "language", "published_at"]
    list_filter = ["kind", "language", "publisher"]
    list_select_related = ["publisher"]
    search_fields = ["title", "url", "publisher__name"]
    autocomplete_fields = ["publisher", "cites"]
    date_hierarchy = "published_at"
    readonly_fields = ["snapshot_hash", "snapshot_retrieved_at"]
    fieldsets = [
        (None, {"fields": ["url", "title", "publisher", "language", "kind", "cites"]}),
        (_("Dates"), {"fields": ["published_at", "retrieved_at"]}),
        (
            _("Archived snapshot"),
            {
                "classes": ["collapse"],
                "fields": ["snapshot_text", "snapshot_hash", "snapshot_retrieved_at"],
            },
        ),
    ]
