"""What Aperture talks about: labs, their models and people, who publishes about them, and the
sources they publish."""

from __future__ import annotations

import zlib

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.lib.dates import DatePrecision
from apps.lib.text import length_constraint

from .naming import MATCH_RULE_HELP, MatchRule

#: The longest description of a lab or a model: a few paragraphs (see apps/lib/text.py).
DESCRIPTION_MAX = 4000
#: What an editor reads beside a text's Japanese version (apps/lib/bilingual.py).
JAPANESE_HELP = _(
    "Shown on the Japanese pages. Left empty, they show the English text and say so; an "
    "English page shows this one, and says so, when the English text is empty."
)


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidiaries",
    )
    website = models.URLField(_("website"), blank=True)
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
    is_lab = models.BooleanField(
        _("tracked as a lab"),
        default=True,
        help_text=_("Labs get a stance timeline; other companies are only referenced."),
    )
    match_rule = models.CharField(
        _("name matched"),
        max_length=12,
        choices=MatchRule.choices,
        default=MatchRule.DEFAULT,
        help_text=MATCH_RULE_HELP,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="company_not_its_own_parent"
            ),
            length_constraint(
                field="description", limit=DESCRIPTION_MAX, name="company_description_length"
            ),
            length_constraint(
                field="description_ja",
                limit=DESCRIPTION_MAX,
                name="company_description_ja_length",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("lab", kwargs={"slug": self.slug})


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


class AIModel(models.Model):
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


class Alias(models.Model):
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


class OpennessComponent(models.Model):
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


class Person(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.name} ({self.role}, {self.company})" if self.role else self.name


class Publisher(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    website = models.URLField(_("website"), blank=True)
    domain = models.CharField(
        _("domain"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Used to recognise the publisher of a page fetched from a URL."),
    )
    language = models.CharField(_("usual language"), max_length=10, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company it belongs to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publishers",
        help_text=_("Set for a lab's own blog, so that its posts count as primary sources."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    PRIMARY = "primary", _("primary: the lab's own words or act")
    SECONDARY = "secondary", _("secondary: reporting")
    TERTIARY = "tertiary", _("tertiary: reporting on reporting")


class Source(models.Model):
    url = models.URLField(
        _("canonical URL"),
        max_length=1000,
        unique=True,
        help_text=_("Stored in canonical form: tracking parameters and fragments removed."),
    )
    title = models.CharField(_("title"), max_length=500)
    publisher = models.ForeignKey(
        Publisher,
        verbose_name=_("publisher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=SourceKind.choices, default=SourceKind.SECONDARY
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    retrieved_at = models.DateTimeField(_("retrieved"), null=True, blank=True)
    cites = models.ManyToManyField(
        "self",
        verbose_name=_("cites"),
        symmetrical=False,
        blank=True,
        related_name="cited_by",
        db_table="claims_source_cites",
    )
    snapshot_text = models.TextField(_("archived text"), blank=True)
    snapshot_hash = models.CharField(_("archived text SHA-256"), max_length=64, blank=True)
    snapshot_retrieved_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # The rest of the archive, as fetched when the source was first cited (apps/watch/archive.py).
    snapshot_status = models.PositiveSmallIntegerField(
        _("archived HTTP status"), null=True, blank=True
    )
    snapshot_final_url = models.URLField(_("archived from URL"), max_length=1000, blank=True)
    snapshot_content_type = models.CharField(max_length=140, blank=True, editable=False)
    snapshot_raw = models.BinaryField(_("archived raw response (zlib)"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Sources moved here from claims; their tables kept their names (no data moved). Only the
    # history of cites, which django-simple-history names by app, is catalog_historicalsource_cites.
    # The raw response is kept once, here, not copied into every revision.
    history = HistoricalRecords(
        m2m_fields=[cites], table_name="claims_historicalsource", excluded_fields=["snapshot_raw"]
    )

    class Meta:
        db_table = "claims_source"
        ordering = ["-published_at", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})" if self.publisher_id else self.title

    @property
    def is_archived(self) -> bool:
        return bool(self.snapshot_hash)

    def snapshot_raw_body(self) -> bytes:
        return zlib.decompress(bytes(self.snapshot_raw)) if self.snapshot_raw else b""
