"""Statements, the sources they cite and the links between them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.catalog.models import JAPANESE_HELP, AIModel, Company, Person, Source
from apps.lib.constraints import ChecksInOneQuery
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


class Statement(ChecksInOneQuery):
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
            # The timeline: one lab's published statements, newest first, paged by keyset. With
            # what the stance engine and the basis read of each (recompute.EVIDENCE_FIELDS), so
            # that a lab page reads a 100,000-statement lab from the index alone, not from rows
            # spread over the whole table (bench/README.md).
            models.Index(
                fields=["company", "-occurred_on", "-id"],
                condition=Q(state="published"),
                include=["stance", "kind", "verification", "date_precision"],
                name="statement_timeline",
            ),
            # One lab's statements of one stance (the API's and the lab page's stance
            # filter): stances drift, so the newest of one may sit behind thousands of
            # another's, which the timeline index walks past (1.2 ms against 0.1 for the big
            # lab's 'mixed' page at 1M, 51 MB there; bench/README.md).
            models.Index(
                fields=["company", "stance", "-occurred_on", "-id"],
                condition=Q(state="published"),
                name="statement_lab_stance",
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


class Citation(ChecksInOneQuery):
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


class StatementLink(ChecksInOneQuery):
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
