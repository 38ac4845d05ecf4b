"""The record itself: the statements sources carry, and the stance derived from them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.catalog.models import JAPANESE_HELP, AIModel, Company, Person, Source
from apps.lib.dates import DatePrecision, date_format_at_precision
from apps.lib.search_text import search_text_expression
from apps.lib.text import length_constraint

# The longest texts editors write or paste (see apps/lib/text.py): a summary is a sentence or
# a short paragraph; a quote, its translation or a citation's excerpt a few paragraphs.
SUMMARY_MAX = 2000
QUOTE_MAX = 5000
REASON_MAX = 2000
RATIONALE_MAX = 4000
#: What search reads of a statement besides its speaker's name (apps/claims/search.py).
SEARCHED_FIELDS = ("summary", "summary_ja", "quote", "translation", "speaker_label")


class StatementKind(models.TextChoices):
    ACTION = "action", _("action")
    OFFICIAL = "official", _("official statement")
    EXECUTIVE = "executive", _("executive remark")
    UNNAMED_REPORT = "unnamed_report", _("report from unnamed sources")
    ANALYSIS = "analysis", _("analysis")


class Stance(models.TextChoices):
    """Ordered from open to closed; the stance engine maps these to +2 .. -2."""

    OPEN = "open", _("open")
    LEANING_OPEN = "leaning_open", _("leaning open")
    MIXED = "mixed", _("mixed")
    LEANING_CLOSED = "leaning_closed", _("leaning closed")
    CLOSED = "closed", _("closed")


class Verification(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    REPORTED = "reported", _("reported")
    DISPUTED = "disputed", _("disputed")
    DENIED = "denied", _("denied")


class EditorialState(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    RETRACTED = "retracted", _("retracted")


class StatementQuerySet(models.QuerySet["Statement"]):
    def published(self) -> StatementQuerySet:
        return self.filter(state=EditorialState.PUBLISHED)

    def public(self) -> StatementQuerySet:
        """What a reader may open by URL: published, and retracted ones marked as such."""
        return self.filter(state__in=[EditorialState.PUBLISHED, EditorialState.RETRACTED])

    def for_company(self, company: Company) -> StatementQuerySet:
        return self.filter(company=company)

    def timeline_order(self) -> StatementQuerySet:
        return self.order_by("-occurred_on", "-id")


class Statement(models.Model):
    company = models.ForeignKey(
        Company, verbose_name=_("lab"), on_delete=models.PROTECT, related_name="statements"
    )
    ai_models = models.ManyToManyField(
        AIModel, verbose_name=_("models concerned"), blank=True, related_name="statements"
    )
    speaker = models.ForeignKey(
        Person,
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
    )
    speaker_label = models.CharField(
        _("speaker label"),
        max_length=200,
        blank=True,
        help_text=_('When no named person spoke: "Meta spokesperson", "people familiar with …".'),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StatementKind.choices)
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices)
    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.REPORTED,
    )
    quote = models.TextField(
        _("verbatim quote"),
        blank=True,
        max_length=QUOTE_MAX,
        validators=[MaxLengthValidator(QUOTE_MAX)],
    )
    quote_language = models.CharField(_("quote language"), max_length=10, blank=True)
    translation = models.TextField(
        _("translation"),
        blank=True,
        max_length=QUOTE_MAX,
        validators=[MaxLengthValidator(QUOTE_MAX)],
    )
    translation_language = models.CharField(_("translation language"), max_length=10, blank=True)
    occurred_on = models.DateField(_("said or happened on"))
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    summary = models.TextField(
        _("editor's summary"),
        max_length=SUMMARY_MAX,
        validators=[MaxLengthValidator(SUMMARY_MAX)],
        help_text=_("In English."),
    )
    summary_ja = models.TextField(
        _("editor's summary in Japanese"),
        blank=True,
        max_length=SUMMARY_MAX,
        validators=[MaxLengthValidator(SUMMARY_MAX)],
        help_text=JAPANESE_HELP,
    )
    state = models.CharField(
        _("editorial state"),
        max_length=10,
        choices=EditorialState.choices,
        default=EditorialState.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    retracted_at = models.DateTimeField(_("retracted"), null=True, blank=True)
    retraction_reason = models.TextField(
        _("reason for retraction"),
        blank=True,
        max_length=REASON_MAX,
        validators=[MaxLengthValidator(REASON_MAX)],
    )
    import_key = models.CharField(
        _("import key"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Stable identifier of a statement loaded from a data file."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    #: Every text a reader finds a statement by, normalised, kept by the database itself
    #: whatever writes the row (apps/claims/search.py, docs/search.md).
    search_text = models.GeneratedField(
        expression=search_text_expression(*SEARCHED_FIELDS),
        output_field=models.TextField(),
        db_persist=True,
    )
    history = HistoricalRecords(m2m_fields=[ai_models], excluded_fields=["search_text"])

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        permissions = [
            ("submit_statement", "Can submit a statement for review"),
            ("publish_statement", "Can publish a statement"),
            ("retract_statement", "Can retract a published statement"),
        ]
        indexes = [
            # The timeline: one lab's published statements, newest first, paged by keyset.
            models.Index(
                fields=["company", "-occurred_on", "-id"],
                condition=Q(state="published"),
                name="statement_timeline",
            ),
            models.Index(fields=["-occurred_on", "-id"], name="statement_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(speaker__isnull=False) | ~Q(speaker_label=""),
                name="statement_has_speaker_or_label",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="statement_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(quote="") | ~Q(quote_language=""),
                name="statement_quote_has_language",
            ),
            length_constraint(field="summary", limit=SUMMARY_MAX, name="statement_summary_length"),
            length_constraint(
                field="summary_ja", limit=SUMMARY_MAX, name="statement_summary_ja_length"
            ),
            length_constraint(field="quote", limit=QUOTE_MAX, name="statement_quote_length"),
            length_constraint(
                field="translation", limit=QUOTE_MAX, name="statement_translation_length"
            ),
            length_constraint(
                field="retraction_reason", limit=REASON_MAX, name="statement_reason_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.occurred_on_display}: {self.summary[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("statement", kwargs={"pk": self.pk})

    @property
    def occurred_on_display(self) -> str:
        return date_format_at_precision(self.occurred_on, self.date_precision)


class Citation(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    excerpt = models.TextField(
        _("excerpt"),
        blank=True,
        max_length=QUOTE_MAX,
        validators=[MaxLengthValidator(QUOTE_MAX)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(fields=["statement", "source"], name="citation_unique_source"),
            length_constraint(field="excerpt", limit=QUOTE_MAX, name="citation_excerpt_length"),
        ]

    def __str__(self) -> str:
        return str(self.source)


class LinkKind(models.TextChoices):
    RESPONDS_TO = "responds_to", _("responds to")
    CONTRADICTS = "contradicts", _("contradicts")
    SUPERSEDES = "supersedes", _("supersedes")
    DENIES = "denies", _("denies")


class StatementLink(models.Model):
    """A typed edge: from_statement <kind> to_statement ("the spokesperson denies the report")."""

    from_statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="links_out"
    )
    to_statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(_("relation"), max_length=12, choices=LinkKind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statement link")
        verbose_name_plural = _("statement links")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_statement=models.F("to_statement")),
                name="statementlink_not_to_itself",
            ),
            models.UniqueConstraint(
                fields=["from_statement", "to_statement", "kind"], name="statementlink_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_statement_id} {self.kind} {self.to_statement_id}"


class StanceAssessment(models.Model):
    """An editor's pinned stance for a lab from a date on, overriding the formula."""

    company = models.ForeignKey(
        Company, verbose_name=_("lab"), on_delete=models.CASCADE, related_name="assessments"
    )
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(
        _("effective until"), null=True, blank=True, help_text=_("Empty: until the next pin.")
    )
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices)
    rationale = models.TextField(
        _("rationale"),
        max_length=RATIONALE_MAX,
        validators=[MaxLengthValidator(RATIONALE_MAX)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["company", "effective_from"]
        verbose_name = _("stance assessment")
        verbose_name_plural = _("stance assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "effective_from"],
                condition=Q(is_active=True),
                name="assessment_one_active_per_day",
            ),
            length_constraint(
                field="rationale", limit=RATIONALE_MAX, name="assessment_rationale_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.stance} from {self.effective_from}"


class ShiftRating(models.TextChoices):
    NO_SHIFT = "no_shift", _("no shift")
    PARTIAL = "partial", _("partial shift")
    FULL_REVERSAL = "full_reversal", _("full reversal")


class StanceChangeQuerySet(models.QuerySet["StanceChange"]):
    def current(self) -> StanceChangeQuerySet:
        """Changes that still hold; superseded ones stay as history of the ledger itself."""
        return self.filter(superseded_at__isnull=True)


class StanceChange(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="stance_changes")
    date = models.DateField(_("date"))
    old_stance = models.CharField(
        _("old stance"), max_length=20, choices=Stance.choices, blank=True
    )
    new_stance = models.CharField(_("new stance"), max_length=20, choices=Stance.choices)
    rating = models.CharField(_("rating"), max_length=14, choices=ShiftRating.choices)
    score = models.FloatField(_("score after the change"))
    statements = models.ManyToManyField(
        Statement, verbose_name=_("caused by"), blank=True, related_name="stance_changes"
    )
    assessment = models.ForeignKey(
        StanceAssessment,
        verbose_name=_("pinned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stance_changes",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(
        _("superseded"),
        null=True,
        blank=True,
        help_text=_("Set when a later edit to the record means this change no longer holds."),
    )

    objects = StanceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["company", "date", "id"]
        verbose_name = _("stance change")
        verbose_name_plural = _("stance changes")
        indexes = [
            models.Index(
                fields=["company", "date"],
                condition=Q(superseded_at__isnull=True),
                name="stancechange_current",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "date"],
                condition=Q(superseded_at__isnull=True),
                name="stancechange_one_current_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.old_stance or '—'} → {self.new_stance} on {self.date}"

    @property
    def is_start(self) -> bool:
        """The first entry of a history: a stance recorded for the first time, not a move."""
        return not self.old_stance

    @property
    def shift_display(self) -> str:
        """The flip-o-meter rating, or "first recorded stance" for a start (rated no shift)."""
        return str(_("first recorded stance")) if self.is_start else self.get_rating_display()


class RecordedAct(models.Model):
    """What a lab did as an outside dataset records it: a release and its access level.

    Not an editor's statement: the dataset said it, so it is shown apart from the statements,
    sourced to the dataset's record, and weighs less in the stance (see stance.py). Written only
    through acts.acts_record, which upserts on (origin, origin_key).
    """

    company = models.ForeignKey(
        Company, verbose_name=_("lab"), on_delete=models.CASCADE, related_name="recorded_acts"
    )
    ai_model = models.ForeignKey(
        AIModel,
        verbose_name=_("model"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_acts",
    )
    #: The model's name as the dataset writes it (the catalogue may not know the model).
    subject = models.CharField(_("model as recorded"), max_length=500)
    occurred_on = models.DateField(_("happened on"))
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    #: The dataset's own words, e.g. "Open weights (restricted use)".
    access_level = models.CharField(_("access level as recorded"), max_length=200)
    stance = models.CharField(_("stance it implies"), max_length=20, choices=Stance.choices)
    #: The dataset's name, its attribution line, the record's key and its upstream page.
    origin = models.CharField(_("recorded by"), max_length=200)
    attribution = models.TextField(_("attribution"), blank=True)
    origin_key = models.CharField(_("record key"), max_length=500)
    origin_url = models.URLField(_("upstream record"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("recorded act")
        verbose_name_plural = _("recorded acts")
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "origin_key"], name="recordedact_unique_origin_key"
            )
        ]
        indexes = [models.Index(fields=["company", "-occurred_on"], name="recordedact_company")]

    def __str__(self) -> str:
        return f"{self.company}: {self.subject} {self.access_level} ({self.origin})"

    @property
    def occurred_on_display(self) -> str:
        return date_format_at_precision(self.occurred_on, self.date_precision)
