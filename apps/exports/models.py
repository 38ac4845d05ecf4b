"""The state of the bulk exports: one row that says whether the files are behind the record,
who is building them, and how the last build went (shown in the admin)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.lib.constraints import ChecksInOneQuery

#: The primary key of the one row.
STATE_ID = 1


class ExportState(ChecksInOneQuery):
    #: When the record first changed after the last build began; None: nothing known to be new.
    dirty_at = models.DateTimeField(_("behind the record since"), null=True, blank=True)
    #: A running build's claim (apps/lib/workqueue.rows_claim): its token and when it began.
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(_("build claimed at"), null=True, blank=True)
    #: The latest change time the record showed when the last build began (services.py).
    watermark = models.DateTimeField(_("record as of"), null=True, blank=True)
    #: When beat's tick last looked, so that one can tell the scheduler is alive.
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("last build started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last build finished"), null=True, blank=True)
    last_seconds = models.FloatField(_("seconds the last build took"), null=True, blank=True)
    last_rows = models.BigIntegerField(_("rows in the last build"), null=True, blank=True)
    builds = models.PositiveIntegerField(_("builds finished"), default=0)
    last_failed_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("export state")
        verbose_name_plural = _("export state")
        constraints = [models.CheckConstraint(condition=Q(pk=STATE_ID), name="exportstate_one_row")]

    def __str__(self) -> str:
        return str(_("Bulk exports"))
