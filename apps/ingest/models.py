"""Ingestion: feeds we poll, articles we read, what they mention and what editors should see.

The database is the source of truth for scheduling and retries: a feed's next poll time and an
article URL's state live here, and workers take work by conditional UPDATE, so a lost broker
message or a killed worker loses nothing (the next dispatch tick picks the row up again).
"""

from __future__ import annotations

import zlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import AIModel, Alias, Company, ModelFamily, Person
from apps.claims.models import Citation, EditorialState, Stance, StatementKind


class FeedQuerySet(models.QuerySet["Feed"]):
    def due(self, *, now: object = None) -> FeedQuerySet:
        moment = now or timezone.now()
        return self.filter(is_paused=False, next_poll_at__lte=moment)


class Feed(models.Model):
    url = models.URLField(_("feed URL"), max_length=1000, unique=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    kind = models.CharField(_("format"), max_length=10, blank=True, editable=False)
    poll_interval_minutes = models.PositiveIntegerField(
        _("poll interval (minutes)"), default=30, help_text=_("How often the feed is read.")
    )
    next_poll_at = models.DateTimeField(_("next poll"), default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(
        _("claimed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set while a worker polls the feed; a stale claim is taken over."),
    )
    is_paused = models.BooleanField(_("paused"), default=False)
    paused_reason = models.CharField(_("why paused"), max_length=500, blank=True)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    body_hash = models.CharField(max_length=64, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(
        _("failures in a row"), default=0, editable=False
    )
    temporary_failures = models.PositiveIntegerField(
        _("temporary failures"), default=0, editable=False
    )
    permanent_failures = models.PositiveIntegerField(
        _("permanent failures"), default=0, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["title", "url"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")

    def __str__(self) -> str:
        return self.title or self.url


class Outcome(models.TextChoices):
    STORED = "stored", _("stored")
    UNCHANGED = "unchanged", _("unchanged")
    DUPLICATE = "duplicate", _("duplicate")
    ERROR = "error", _("error")


class FetchAttempt(models.Model):
    """One fetch of a feed or an article: what happened, for the editor to read in the admin."""

    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts"
    )
    article_url = models.ForeignKey(
        "ArticleURL",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fetch_attempts",
    )
    url = models.CharField(_("URL"), max_length=1000)
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason code"), max_length=30, blank=True)
    permanent = models.BooleanField(_("permanent"), default=False)
    message = models.TextField(_("message"), blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    new_items = models.PositiveIntegerField(_("new items"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("fetch attempt")
        verbose_name_plural = _("fetch attempts")

    def __str__(self) -> str:
        return f"{self.url}: {self.outcome} {self.reason}".strip()


class ArticleState(models.TextChoices):
    PENDING = "pending", _("waiting to be fetched")
    FETCHING = "fetching", _("being fetched")
    DONE = "done", _("stored")
    FAILED = "failed", _("failed")


class Article(models.Model):
    """One story, whatever number of URLs it was found at (see ArticleURL)."""

    url = models.URLField(_("canonical URL"), max_length=1000, unique=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    site_name = models.CharField(_("site"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        help_text=_(
            "As the page states it (metadata, byline or dateline), or its feed entry. Empty "
            "where the page states no date of its own: set it here."
        ),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    text = models.TextField(_("main text"), blank=True)
    html = models.TextField(_("main text as sanitised HTML"), blank=True)
    content_hash = models.CharField(_("text SHA-256"), max_length=64, unique=True)
    #: The text's MinHash signature (apps/ingest/near_duplicates.py); its band keys are rows of
    #: ArticleBandKey. Empty for a text too short to compare.
    text_signature = models.BinaryField(default=b"", editable=False)
    raw = models.BinaryField(_("raw response (zlib)"), editable=False)
    raw_content_type = models.CharField(max_length=100, blank=True, editable=False)
    raw_charset = models.CharField(max_length=40, blank=True, editable=False)
    feed = models.ForeignKey(
        Feed,
        verbose_name=_("first seen in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    source = models.ForeignKey(
        "catalog.Source",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text=_("The ledger source made from this article when a suggestion was accepted."),
    )
    fetched_at = models.DateTimeField(_("fetched"), default=timezone.now)
    extracted_at = models.DateTimeField(_("extracted"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title or self.url

    def raw_body(self) -> bytes:
        return zlib.decompress(bytes(self.raw)) if self.raw else b""


class ArticleBandKey(models.Model):
    """One LSH band key of an article's text (apps/ingest/near_duplicates.py). Articles that
    share a key are the candidates when a new text is checked for being a syndicated copy, found
    by the key's index rather than by reading every article."""

    # Written for every article stored (BANDS rows), so kept cheap to write: the primary key
    # (key, article) is the index that lookups by key use, with no id column; and no database
    # constraint on the article, whose trigger fired once per row (Django's own CASCADE deletes
    # the rows of a deleted article, by the article column's index).
    pk = models.CompositePrimaryKey("key", "article")
    key = models.BigIntegerField()
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="band_keys", db_constraint=False
    )

    class Meta:
        verbose_name = _("article band key")
        verbose_name_plural = _("article band keys")

    def __str__(self) -> str:
        return f"{self.article_id}: {self.key}"


class ArticleURL(models.Model):
    """A URL an article was found at; also the work item that fetches it.

    A feed entry or a pasted link becomes one row here (keyed by canonical URL). A worker claims
    it, fetches and stores the article; two URLs whose pages carry the same text, or nearly the
    same (a syndicated copy), point to one Article.
    """

    url = models.URLField(_("canonical URL"), max_length=1000, unique=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="urls"
    )
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    entry_title = models.CharField(_("title in the feed"), max_length=500, blank=True)
    entry_published_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ArticleState.choices,
        default=ArticleState.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("Counted when a worker claims the URL.")
    )
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    dispatched_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a task was last queued for it; a lost one is queued again."),
    )
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article URL")
        verbose_name_plural = _("article URLs")

    def __str__(self) -> str:
        return self.url


class SourceFetch(models.Model):
    """An editor's "Add source from URL": the page to fetch, and what became of it.

    The web request only records the row; a worker fetches the page (tasks.source_fetch), so a
    slow site never holds a web worker, and the row keeps the outcome for the editor to read
    on the progress page, whether or not the page was still open. The row is claimed the way
    article URLs are (apps/lib/workqueue.py): ``state`` and ``claimed_at``, attempts counted.
    """

    url = models.URLField(_("page URL"), max_length=1000)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ArticleState.choices,
        default=ArticleState.PENDING,
        db_index=True,
    )
    source = models.ForeignKey(
        "catalog.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fetches",
    )
    source_created = models.BooleanField(
        _("new source"),
        default=False,
        help_text=_("False when the page was already a source."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("Counted when a worker claims the fetch.")
    )
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    dispatched_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a task was last queued for it; a lost one is queued again."),
    )
    last_error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    done_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("source fetch")
        verbose_name_plural = _("source fetches")

    def __str__(self) -> str:
        return self.url


class Mention(models.Model):
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


class Suggestion(models.Model):
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
