"""An editor's decision on a watched page's change: accepted as a draft act, or rejected.

Accepting makes the watched page a source (archived from the first snapshot if it has no archive
yet) and a draft statement of kind "action" about the watch's lab and models, citing that source
with the words that changed and the snapshot's time; then it announces PageChangeAccepted.
Readers hear of a policy change only through this decision, never from a diff.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.catalog import services as catalog_services
from apps.catalog.services import PageArchive
from apps.claims import services as claims_services
from apps.claims.models import Statement, StatementKind
from apps.lib.events import event_announce
from apps.lib.permissions import Actor, permission_require

from ..diff import diff_summary
from ..events import PageChangeAccepted
from ..models import Review, WatchSnapshot


def page_change_accept(
    *, snapshot: WatchSnapshot, user: Actor | None, stance: str = "mixed", summary: str = ""
) -> Statement:
    """Accept a waiting change: a draft act citing the watched page, announced."""
    permission_require(user, "watch.change_watchsnapshot", "decide page changes")
    with transaction.atomic():
        locked = (
            WatchSnapshot.objects.select_for_update().select_related("watch").get(pk=snapshot.pk)
        )
        if locked.review != Review.PENDING:
            raise ValidationError("This change was already decided.")
        watch = locked.watch
        if watch.company is None:
            raise ValidationError("Name the lab this page concerns (on the watch) first.")
        first = watch.snapshots.order_by("retrieved_at", "id").first() or locked
        publisher = catalog_services.publisher_for_page(url=watch.url)
        source, _created = catalog_services.source_create(
            url=watch.url,
            title=watch.title or watch.url,
            publisher=publisher,
            kind="primary" if publisher.company_id else "secondary",
            retrieved_at=first.retrieved_at,
            archive=PageArchive(
                text=first.text,
                retrieved_at=first.retrieved_at,
                status=first.status,
                final_url=first.final_url,
                raw=bytes(first.raw),
                content_type=first.content_type,
            ),
        )
        when = timezone.localtime(locked.retrieved_at)
        excerpt = f"Changed as of {when:%Y-%m-%d %H:%M} (snapshot {locked.pk}): "
        excerpt += diff_summary(locked.diff, limit=600)
        statement = claims_services.statement_create(
            user=user,
            company=watch.company,
            kind=StatementKind.ACTION,
            stance=stance,
            occurred_on=when.date(),
            summary=summary or f"{watch.title or watch.url} changed.",
            citations=[(source, excerpt)],
            ai_models=watch.ai_models.all(),
            speaker_label=(watch.company.name or "")[:200],
        )
        WatchSnapshot.objects.filter(pk=locked.pk).update(
            review=Review.ACCEPTED,
            statement=statement,
            source=source,
            decided_by=user if isinstance(user, User) else None,
            decided_at=timezone.now(),
        )
        event_announce(PageChangeAccepted(snapshot_id=locked.pk, statement_id=statement.pk))
    return statement


def page_change_reject(*, snapshot: WatchSnapshot, user: Actor | None) -> bool:
    """Reject a waiting change (noise the filter missed); False if it was already decided."""
    permission_require(user, "watch.change_watchsnapshot", "decide page changes")
    return (
        WatchSnapshot.objects.filter(pk=snapshot.pk, review=Review.PENDING).update(
            review=Review.REJECTED,
            decided_by=user if isinstance(user, User) else None,
            decided_at=timezone.now(),
        )
        == 1
    )
