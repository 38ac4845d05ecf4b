"""What articles mention and the suggestions editors review, and the trained classifiers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AIModel, Alias, Company, ModelFamily, Person
from apps.claims.models import Citation, EditorialState, Stance, StatementKind
from apps.lib.constraints import ChecksInOneQuery

from .articles import Article, ArticleURL


class Mention(ChecksInOneQuery):
    """Where an article names a company, a model family or a model: the alias and the
    character span. A person's name counts as a mention of their company (``person`` set)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    ai_model = models.ForeignKey(
        AIModel, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    family = models.ForeignKey(
        ModelFamily, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
        help_text=_("A person named: the mention is of their company."),
    )
    alias = models.ForeignKey(
        Alias, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    matched_text = models.CharField(_("matched text"), max_length=200)

    class Meta:
        ordering = ["article", "start"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=False, ai_model__isnull=True, family__isnull=True)
                | Q(company__isnull=True, ai_model__isnull=False, family__isnull=True)
                | Q(company__isnull=True, ai_model__isnull=True, family__isnull=False),
                name="mention_names_exactly_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(company__isnull=False),
                name="mention_person_names_their_company",
            ),
            models.UniqueConstraint(fields=["article", "start", "end"], name="mention_unique_span"),
        ]

    def __str__(self) -> str:
        return f"{self.matched_text} [{self.start}:{self.end}]"


class SuggestionState(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


def covering_citations(*, company: Any, article: Any, source: Any, url: Any) -> QuerySet[Citation]:
    """Citations by which a published statement already covers a suggestion.

    Covered means: a published statement of the same lab (the suggestion's company itself, not
    its parent or subsidiaries) cites this article, that is, the ledger source made from it,
    or a source at its canonical URL or at any URL it was found at (sources and article URLs
    are both stored in canonical form). Another article telling the same story does not count:
    that is the editor's judgement. The arguments are values, or OuterRefs in an annotation.
    """
    return Citation.objects.filter(
        Q(source=source)
        | Q(source__url=url)
        | Q(source__url__in=ArticleURL.objects.filter(article=article).values("url")),
        statement__state=EditorialState.PUBLISHED,
        statement__company=company,
    )


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def pending(self) -> SuggestionQuerySet:
        return self.filter(state=SuggestionState.PENDING)

    def decided(self) -> SuggestionQuerySet:
        return self.exclude(state=SuggestionState.PENDING)

    def with_coverage(self) -> SuggestionQuerySet:
        """Each suggestion with ``covered``: True when a published statement of its lab
        already cites its article (covering_citations)."""
        citing = covering_citations(
            company=OuterRef("company"),
            article=OuterRef(OuterRef("article")),
            source=OuterRef("article__source"),
            url=OuterRef("article__url"),
        )
        return self.annotate(covered=Exists(citing))


class Suggestion(ChecksInOneQuery):
    """A candidate statement found in an article, waiting for an editor's decision."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    sentence = models.TextField(_("sentence"))
    sentence_hash = models.CharField(max_length=64, editable=False)
    start = models.PositiveIntegerField(_("start in the text"), default=0)
    language = models.CharField(_("language"), max_length=10, blank=True)
    company = models.ForeignKey(
        Company, verbose_name=_("lab"), on_delete=models.CASCADE, related_name="suggestions"
    )
    ai_models = models.ManyToManyField(
        AIModel, verbose_name=_("models"), blank=True, related_name="suggestions"
    )
    quote = models.TextField(_("quote"), blank=True)
    speaker = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    speaker_label = models.CharField(_("speaker label"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind guess"), max_length=20, blank=True, choices=StatementKind.choices
    )
    stance = models.CharField(_("stance guess"), max_length=20, choices=Stance.choices)
    stance_reasons = models.JSONField(
        _("why this stance"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("The rules and cues that gave the stance guess (apps.ingest.stance)."),
    )
    score = models.FloatField(_("score"), help_text=_("0..1: how likely an editor accepts it."))
    scored_by = models.CharField(_("scored by"), max_length=20, default="rules")
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=SuggestionState.choices,
        default=SuggestionState.PENDING,
        db_index=True,
    )
    reject_reason = models.TextField(_("why rejected"), blank=True)
    statement = models.ForeignKey(
        "claims.Statement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "-created_at"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "company", "sentence_hash"], name="suggestion_unique_sentence"
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(reject_reason=""),
                name="suggestion_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.sentence[:100]


class Classifier(models.Model):
    """A trained model, stored as JSON counts (see apps.ingest.classifier)."""

    name = models.CharField(max_length=50, unique=True)
    data = models.JSONField(default=dict)
    examples = models.PositiveIntegerField(default=0)
    trained_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("classifier")
        verbose_name_plural = _("classifiers")

    def __str__(self) -> str:
        return f"{self.name} ({self.examples} examples)"
