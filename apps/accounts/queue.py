"""The editors' review queue: one list of everything that waits for an editor's decision.

Two things come in and wait for an editor: suggestions found in ingested articles (apps/ingest)
and meaningful changes of watched pages (apps/watch). Those apps share a layer and never import
each other, so the one queue that lists both lives here, a layer above them, beside the other
staff pages (the reviewers' count of statements in review). Each app keeps its rows, its
decision page and its services: a row here links to the page where it is decided, which leads
back here (``?next=``, apps/lib/admin_next.py). Accepting a page change there makes the draft
act citing the watched page and announces PageChangeAccepted, as before.

The queue is a UNION of (kind, id, time) over both tables, newest first, paged in the database;
only the rows of the page shown are then read whole. Staff see the kinds they may view.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import CharField, F, QuerySet, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.ingest.models import Suggestion
from apps.lib.admin_next import with_next
from apps.watch.diff import diff_counts, diff_summary
from apps.watch.models import Review, WatchSnapshot

SUGGESTION, PAGE_CHANGE = "suggestion", "page_change"
#: Who may see each kind in the queue (deciding needs the change permission, on its own page).
KIND_PERMISSIONS = {
    SUGGESTION: "ingest.view_suggestion",
    PAGE_CHANGE: "watch.view_watchsnapshot",
}
KIND_LABELS = {
    SUGGESTION: gettext_lazy("article suggestion"),
    PAGE_CHANGE: gettext_lazy("page change"),
}
#: How much of a page change's changed words a row quotes.
CHANGE_EXCERPT_MAX = 240

type Row = tuple[str, int, datetime.datetime]


@dataclass(frozen=True)
class QueueItem:
    """One row of the queue, whatever its kind."""

    kind: str
    pk: int
    found_at: datetime.datetime
    lab: str
    models: list[str]
    #: The sentence found, or the watched page's title.
    text: str
    #: Where it was found: the article's title; or the words that changed.
    detail: str
    #: How sure or how big: the suggestion's score, or the share of words changed.
    measure: str
    #: A suggestion a published statement of its lab already covers.
    covered: bool
    #: The page where it is decided, leading back to the queue.
    url: str

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def queue_kinds(user: User | AnonymousUser) -> list[str]:
    """The kinds of the queue this user may see."""
    if not user.is_active or not user.is_staff:
        return []
    return [kind for kind, permission in KIND_PERMISSIONS.items() if user.has_perm(permission)]


def _waiting(kind: str) -> QuerySet[Any]:
    """The waiting items of one kind, each with its kind, id and time under common names."""
    label = Value(kind, output_field=CharField())
    if kind == SUGGESTION:
        suggestions = Suggestion.objects.pending()
        return suggestions.annotate(q_kind=label, q_id=F("pk"), q_at=F("created_at"))
    changes = WatchSnapshot.objects.filter(review=Review.PENDING)
    return changes.annotate(q_kind=label, q_id=F("pk"), q_at=F("retrieved_at"))


def queue_rows(*, kinds: Sequence[str]) -> QuerySet[Any]:
    """(kind, id, time) of every waiting item of ``kinds``, newest first: one query to page."""
    parts = [_waiting(kind).order_by().values_list("q_kind", "q_id", "q_at") for kind in kinds]
    if not parts:
        return Suggestion.objects.none()
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("-q_at", "-q_id")


def queue_count(user: User | AnonymousUser) -> int:
    """How many items wait, of the kinds this user may see."""
    return sum(_waiting(kind).count() for kind in queue_kinds(user))


def queue_items(rows: Sequence[Row], *, back_to: str) -> list[QueueItem]:
    """The rows of one page, read whole, in the queue's order."""
    wanted = {
        kind: [pk for row_kind, pk, _at in rows if row_kind == kind]
        for kind in (SUGGESTION, PAGE_CHANGE)
    }
    items: dict[tuple[str, int], QueueItem] = {}
    suggestions = (
        Suggestion.objects.filter(pk__in=wanted[SUGGESTION])
        .with_coverage()
        .select_related("company", "article")
        .defer("article__text", "article__raw")
        .prefetch_related("ai_models")
    )
    for suggestion in suggestions:
        url = reverse("admin:ingest_suggestion_change", args=[suggestion.pk])
        items[SUGGESTION, suggestion.pk] = QueueItem(
            kind=SUGGESTION,
            pk=suggestion.pk,
            found_at=suggestion.created_at,
            lab=str(suggestion.company),
            models=[str(model) for model in suggestion.ai_models.all()],
            text=suggestion.sentence,
            detail=suggestion.article.title or suggestion.article.url,
            measure=_("score %(score)s") % {"score": f"{suggestion.score:.0%}"},
            covered=bool(getattr(suggestion, "covered", False)),
            url=with_next(url, back_to),
        )
    changes = (
        WatchSnapshot.objects.filter(pk__in=wanted[PAGE_CHANGE])
        .select_related("watch__company")
        .defer("text", "raw")
        .prefetch_related("watch__ai_models")
    )
    for change in changes:
        watch = change.watch
        added, removed = diff_counts(change.diff)
        url = reverse("admin:watch_watchsnapshot_change", args=[change.pk])
        items[PAGE_CHANGE, change.pk] = QueueItem(
            kind=PAGE_CHANGE,
            pk=change.pk,
            found_at=change.retrieved_at,
            lab=str(watch.company or ""),
            models=[str(model) for model in watch.ai_models.all()],
            text=watch.title or watch.url,
            detail=diff_summary(change.diff, limit=CHANGE_EXCERPT_MAX),
            measure=_("%(added)d words added, %(removed)d removed")
            % {"added": added, "removed": removed},
            covered=False,
            url=with_next(url, back_to),
        )
    return [items[kind, pk] for kind, pk, _at in rows if (kind, pk) in items]
