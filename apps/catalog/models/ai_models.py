"""Models: their families, names and aliases, status history and openness components."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.lib.constraints import ChecksInOneQuery
from apps.lib.dates import DatePrecision
from apps.lib.text import length_constraint

from ..naming import MATCH_RULE_HELP, MatchRule
from .common import DESCRIPTION_MAX, JAPANESE_HELP
from .labs import Company


class AccessLevel(models.TextChoices):
    OPEN_SOURCE = "open_source", _("open source")
    OPEN_WEIGHTS = "open_weights", _("open weights")
    API_ONLY = "api_only", _("API only")
    PRODUCT_ONLY = "product_only", _("product only")
    UNRELEASED = "unreleased", _("unreleased")


class ModelFamily(models.Model):
    """A named line of models of one developer (Llama 4, Gemma): what "the Llama 4 family" or
    "Gemma models" refers to, rather than any one member."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    developer = models.ForeignKey(
        Company, verbose_name=_("developer"), on_delete=models.PROTECT, related_name="families"
    )
    match_rule = models.CharField(
        _("name matched"),
        max_length=12,
        choices=MatchRule.choices,
        default=MatchRule.DEFAULT,
        help_text=MATCH_RULE_HELP,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["developer__name", "name"]
        verbose_name = _("model family")
        verbose_name_plural = _("model families")
        constraints = [
            models.UniqueConstraint(
                fields=["developer", "name"], name="modelfamily_unique_per_developer"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AIModel(ChecksInOneQuery):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    family = models.ForeignKey(
        ModelFamily,
        verbose_name=_("family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    developer = models.ForeignKey(
        Company, verbose_name=_("developer"), on_delete=models.PROTECT, related_name="models"
    )
    match_rule = models.CharField(
        _("name matched"),
        max_length=12,
        choices=MatchRule.choices,
        default=MatchRule.DEFAULT,
        help_text=MATCH_RULE_HELP,
    )
    parameter_count = models.BigIntegerField(
        _("total parameters"), null=True, blank=True, help_text=_("Leave empty when unknown.")
    )
    active_parameter_count = models.BigIntegerField(
        _("active parameters"), null=True, blank=True, help_text=_("For mixture-of-experts.")
    )
    access_level = models.CharField(
        _("access level"),
        max_length=20,
        choices=AccessLevel.choices,
        default=AccessLevel.UNRELEASED,
    )
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_MAX,
        validators=[MaxLengthValidator(DESCRIPTION_MAX)],
        help_text=_("In English."),
    )
    description_ja = models.TextField(
        _("description in Japanese"),
        blank=True,
        max_length=DESCRIPTION_MAX,
        validators=[MaxLengthValidator(DESCRIPTION_MAX)],
        help_text=JAPANESE_HELP,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["developer__name", "name"]
        verbose_name = _("AI model")
        verbose_name_plural = _("AI models")
        constraints = [
            models.CheckConstraint(
                condition=Q(parameter_count__isnull=True) | Q(parameter_count__gt=0),
                name="aimodel_parameter_count_positive",
            ),
            length_constraint(
                field="description", limit=DESCRIPTION_MAX, name="aimodel_description_length"
            ),
            length_constraint(
                field="description_ja",
                limit=DESCRIPTION_MAX,
                name="aimodel_description_ja_length",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("model", kwargs={"slug": self.slug})


class Alias(ChecksInOneQuery):
    """Another name of a company, a model or a model family, in any language, used to find
    mentions in text, with the rule by which it may be matched (apps/catalog/naming.py)."""

    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    model = models.ForeignKey(
        AIModel, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    family = models.ForeignKey(
        ModelFamily, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, blank=True)
    match_rule = models.CharField(
        _("matched"),
        max_length=12,
        choices=MatchRule.choices,
        default=MatchRule.DEFAULT,
        help_text=MATCH_RULE_HELP,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=False, model__isnull=True, family__isnull=True)
                | Q(company__isnull=True, model__isnull=False, family__isnull=True)
                | Q(company__isnull=True, model__isnull=True, family__isnull=False),
                name="alias_names_exactly_one_thing",
            ),
            models.UniqueConstraint(
                fields=["company", "name"],
                condition=Q(company__isnull=False),
                name="alias_unique_per_company",
            ),
            models.UniqueConstraint(
                fields=["model", "name"],
                condition=Q(model__isnull=False),
                name="alias_unique_per_model",
            ),
            models.UniqueConstraint(
                fields=["family", "name"],
                condition=Q(family__isnull=False),
                name="alias_unique_per_family",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ModelStatus(models.TextChoices):
    RUMOURED = "rumoured", _("rumoured")
    ANNOUNCED = "announced", _("announced")
    TRAINING = "training", _("training")
    DELAYED = "delayed", _("delayed")
    RELEASED = "released", _("released")
    CANCELLED = "cancelled", _("cancelled")


class ModelStatusChange(models.Model):
    """One dated entry in a model's status history, with the source that says so."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(_("status"), max_length=20, choices=ModelStatus.choices)
    date = models.DateField(_("date"))
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    is_reported = models.BooleanField(
        _("reported, not confirmed"),
        default=False,
        help_text=_("Tick when only reporting says so and the developer has not confirmed it."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.ForeignKey(
        "Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="model_status_changes",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["model", "date", "id"]
        verbose_name = _("model status change")
        verbose_name_plural = _("model status history")
        indexes = [models.Index(fields=["model", "-date"], name="modelstatus_model_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "status", "date"], name="modelstatus_unique_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model}: {self.get_status_display()} ({self.date})"


class Component(models.TextChoices):
    """The Model Openness Framework's and the European Open Source AI Index's dimensions."""

    WEIGHTS = "weights", _("weights")
    INFERENCE_CODE = "inference_code", _("inference code")
    TRAINING_CODE = "training_code", _("training code")
    TRAINING_DATA = "training_data", _("training data")
    DATA_CARD = "data_card", _("data card")
    MODEL_CARD = "model_card", _("model card")
    PAPER = "paper", _("technical report or paper")
    LICENCE = "licence", _("licence")


class Openness(models.TextChoices):
    OPEN = "open", _("open")
    RESTRICTED = "restricted", _("restricted")
    CLOSED = "closed", _("closed")
    UNKNOWN = "unknown", _("unknown")


class OpennessComponent(ChecksInOneQuery):
    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="components")
    component = models.CharField(_("component"), max_length=20, choices=Component.choices)
    openness = models.CharField(
        _("openness"), max_length=12, choices=Openness.choices, default=Openness.UNKNOWN
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.ForeignKey(
        "Source",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="openness_components",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["model", "component"]
        verbose_name = _("openness component")
        verbose_name_plural = _("openness components")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "component"], name="openness_one_row_per_component"
            ),
            models.CheckConstraint(
                condition=Q(openness="unknown") | Q(source__isnull=False),
                name="openness_known_needs_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.get_component_display()}: {self.get_openness_display()}"
