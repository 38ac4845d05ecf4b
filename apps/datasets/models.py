"""Outside datasets as read: each record kept raw, each value a claim by its dataset.

A value here is what a dataset says, never a fact: every claim names its record, the record its
dataset, and the dataset its licence and the attribution that licence asks for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AIModel, Company


class Dataset(models.Model):
    key = models.SlugField(_("key"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    homepage = models.URLField(_("homepage"), blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    attribution = models.TextField(_("attribution"), blank=True)
    #: The name of the setting that holds the upstream URL (e.g. DATASETS_EPOCH_URL).
    url_setting = models.CharField(_("upstream URL setting"), max_length=60, blank=True)

    class Meta:
        ordering = ["key"]
        permissions = [("import_dataset", "Can start an import of a dataset")]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", _("running")
        OK = "ok", _("ok")
        PARTIAL = "partial", _("partial: some records had errors")
        FAILED = "failed", _("failed: nothing changed")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    source = models.CharField(_("source URL or path"), max_length=2000, blank=True)
    version = models.CharField(_("dataset version"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RUNNING
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    read = models.PositiveIntegerField(_("read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    #: After the import, records matched to a catalogue model (by name, alias or decision),
    #: records whose model name waits in the review queue, and companies created.
    matched = models.PositiveIntegerField(_("matched"), default=0)
    to_review = models.PositiveIntegerField(_("to review"), default=0)
    companies_created = models.PositiveIntegerField(_("companies created"), default=0)
    error = models.TextField(_("run error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.dataset.key} {self.started_at:%Y-%m-%d %H:%M} {self.state}"


class DatasetRecord(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="records")
    key = models.CharField(_("record key"), max_length=500)
    #: The dataset's version (Last-Modified or content hash) when this content was first read.
    version = models.CharField(_("dataset version"), max_length=200, blank=True)
    #: When this content was first read; an unchanged re-import does not touch the row.
    read_at = models.DateTimeField(_("read at"))
    raw = models.JSONField(_("raw record"))
    upstream_url = models.URLField(_("upstream record"), max_length=2000, blank=True)
    #: sha256 of the raw record and its claims, to skip unchanged records without writing.
    content_hash = models.CharField(max_length=64)
    #: The catalogue's model and company this record describes, as matching found them.
    model = models.ForeignKey(
        AIModel,
        verbose_name=_("matched model"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dataset_records",
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("matched company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dataset_records",
    )

    class Meta:
        ordering = ["dataset", "key"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "key"], name="datasets_record_unique_key")
        ]
        verbose_name = _("dataset record")
        verbose_name_plural = _("dataset records")

    def __str__(self) -> str:
        return f"{self.dataset.key}: {self.key}"


class DatasetClaim(models.Model):
    record = models.ForeignKey(DatasetRecord, on_delete=models.CASCADE, related_name="claims")
    #: developer, release_date, parameters, access_level, training_code, training_data,
    #: "licence:<component>" (MOT) or "class:<dimension>" (OSAI).
    field = models.CharField(_("field"), max_length=200)
    value = models.TextField(_("value"), blank=True)
    evidence_url = models.URLField(_("evidence"), max_length=2000, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["record", "field"]
        constraints = [
            models.UniqueConstraint(fields=["record", "field"], name="datasets_claim_unique_field")
        ]
        verbose_name = _("dataset claim")
        verbose_name_plural = _("dataset claims")

    def __str__(self) -> str:
        return f"{self.record}: {self.field} = {self.value}"


class Disagreement(DatasetClaim):
    """A claim that disagrees with another dataset or with the editor: the admin's list of
    disagreements to resolve (apps.datasets.compare decides which)."""

    class Meta:
        proxy = True
        verbose_name = _("disagreement")
        verbose_name_plural = _("disagreements")


class ClaimChange(models.Model):
    claim = models.ForeignKey(DatasetClaim, on_delete=models.CASCADE, related_name="changes")
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    old_version = models.CharField(_("old version"), max_length=200, blank=True)
    new_version = models.CharField(_("new version"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("claim change")
        verbose_name_plural = _("claim changes")

    def __str__(self) -> str:
        return f"{self.claim.field}: {self.old_value} → {self.new_value}"


class RecordError(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="record_errors")
    #: The record key, or the line/file where no key could be read.
    where = models.CharField(_("record or line"), max_length=500)
    message = models.TextField(_("message"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("record error")
        verbose_name_plural = _("record errors")

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class MatchDecision(models.Model):
    """A name no exact match settles (fuzzy, or several candidates), and what an editor decided.

    Dataset-independent: one row per normalised name and kind, remembered for every later import
    of any dataset. Undecided rows are the review queue.
    """

    class Kind(models.TextChoices):
        ORGANISATION = "org", _("organisation")
        MODEL = "model", _("model")

    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    #: The name as normalised by apps.datasets.selectors.name_key.
    name_key = models.CharField(_("normalised name"), max_length=500)
    #: The name as a dataset first wrote it.
    name = models.CharField(_("name as written"), max_length=500)
    #: "Name (id)" of each candidate when the row was queued, for the reviewer's eye.
    candidates = models.TextField(_("candidates"), blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("same as company"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="match_decisions",
    )
    model = models.ForeignKey(
        AIModel,
        verbose_name=_("same as model"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="match_decisions",
    )
    kept_apart = models.BooleanField(
        _("kept apart"), default=False, help_text=_("None of the candidates: a different thing.")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    #: When a worker last matched every dataset again with this decision (None: not yet).
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "kind", "name_key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name_key"], name="datasets_match_unique_name")
        ]
        verbose_name = _("match decision")
        verbose_name_plural = _("match decisions (review queue)")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None
