"""The stance derived from the statements: pins, changes, and the acts datasets record."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.catalog.models import AIModel, Company
from apps.lib.constraints import ChecksInOneQuery
from apps.lib.dates import DatePrecision, date_format_at_precision
from apps.lib.exact_integer import ExactIntegerField
from apps.lib.text import length_constraint

from .statements import RATIONALE_MAX, Stance, Statement


class StanceAssessment(ChecksInOneQuery):
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


#: Digits enough for the engine's exact sums (stance.EXACT_BITS: some 330 digits a statement,
#: a few more for a long record); 1000 is the most PostgreSQL's numeric column declares.
EXACT_DIGITS = 1000


class StanceDay(models.Model):
    """A date the lab's stance can change on, with the formula's exact sums that date.

    Kept by services.stance_history_recompute alongside the StanceChange rows: an edit dated D
    resumes the sweep at D from the sums of the last day before it (stance.stance_days) instead
    of recomputing the lab's whole history. Derived data: a full rebuild (manage.py
    rebuild_stance) writes it afresh from the record.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    weight = ExactIntegerField(max_digits=EXACT_DIGITS)
    weighted_score = ExactIntegerField(max_digits=EXACT_DIGITS)
    #: The stance that date (empty: none, everything said by then superseded).
    stance = models.CharField(max_length=20, choices=Stance.choices, blank=True)

    class Meta:
        ordering = ["company", "date"]
        constraints = [
            models.UniqueConstraint(fields=["company", "date"], name="stanceday_one_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.date} {self.stance or '-'}"


class StanceVersion(models.Model):
    """A token that changes each time the lab's stance history is recomputed.

    Every edit that can move what is derived from the lab's record (a statement published,
    retracted or edited while published, a weighing link, a pin, an imported act) recomputes the
    history (services.stance_history_recompute), which writes a fresh random token here in the
    same transaction. What is computed from the record can then be cached under the token (the
    lab page's charts, apps/site/lab_charts.py) and needs no invalidation: a reader sees the new
    token only once the new rows are committed. A random token rather than a counter: a deleted
    and re-created row, or a copy of an old value, never brings back a key that was used.
    Its own table rather than a column of Company, which any save of a stale Company instance
    would write back.
    """

    company = models.OneToOneField(
        Company, primary_key=True, on_delete=models.CASCADE, related_name="stance_version"
    )
    token = models.CharField(max_length=32)
    recomputed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.company_id} {self.token}"


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
