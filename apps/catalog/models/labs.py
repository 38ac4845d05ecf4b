"""What the record is about: labs, and the people who speak for them."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.lib.constraints import ChecksInOneQuery
from apps.lib.text import length_constraint

from ..naming import MATCH_RULE_HELP, MatchRule
from .common import DESCRIPTION_MAX, JAPANESE_HELP


class Company(ChecksInOneQuery):
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
