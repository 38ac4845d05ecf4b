"""Importing a dataset: read a snapshot, keep each record as read, record what changed.

A run reads and parses the whole snapshot first; only then, in one transaction with the
dataset's row locked, does it write. So a run that fails (the upstream answered 404, an HTML
page, too many bytes; the file has no model column) writes nothing but its own failed
ImportRun, and a crash mid-write rolls back to the previous state. A record whose content hash
is unchanged is not touched at all: re-importing the same data writes no record, claim or change.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from apps.datasets.conf import datasets_conf
from apps.datasets.events import DatasetValuesChanged
from apps.datasets.matching import dataset_rematch
from apps.datasets.models import (
    ClaimChange,
    Dataset,
    DatasetClaim,
    DatasetRecord,
    ImportRun,
    RecordError,
)
from apps.datasets.parsers import Claim, Parsed, ParsedRecord, ParseError, SnapshotError
from apps.datasets.registry import DATASETS, DatasetInfo
from apps.datasets.sources import Snapshot, snapshot_from_path, snapshot_from_url
from apps.lib.events import event_announce
from apps.lib.fetch import redact_url

logger = logging.getLogger(__name__)

MAX_KEY = 500
MAX_URL = 2000
#: How many record errors a dry run lists in its run error.
DRY_RUN_ERRORS_SHOWN = 50


@dataclass(frozen=True)
class StagedRecord:
    key: str
    raw: Any
    claims: tuple[Claim, ...]
    upstream_url: str
    content_hash: str


@dataclass
class Plan:
    new: list[StagedRecord] = field(default_factory=list)
    changed: list[tuple[int, StagedRecord]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[ParseError] = field(default_factory=list)


def dataset_ensure(*, info: DatasetInfo) -> Dataset:
    """The dataset's row, created with its licence and attribution on first use."""
    dataset, _ = Dataset.objects.get_or_create(
        key=info.key,
        defaults={
            "name": info.name,
            "homepage": info.homepage,
            "licence": info.licence,
            "attribution": info.attribution,
            "url_setting": info.url_setting,
        },
    )
    return dataset


def _snapshot(location: str, *, max_bytes: int) -> Snapshot:
    if urlsplit(location).scheme in {"http", "https"}:
        return snapshot_from_url(location, max_bytes=max_bytes)
    return snapshot_from_path(Path(location), max_bytes=max_bytes)


def _stage(parsed: ParsedRecord) -> StagedRecord | ParseError:
    if len(parsed.key) > MAX_KEY:
        return ParseError(parsed.key[:80] + "…", f"the record key is over {MAX_KEY} characters")
    # YAML dates and the like become strings, so the raw record round-trips through JSON.
    raw = json.loads(json.dumps(parsed.raw, default=str))
    claims = tuple(
        Claim(claim.field[:200], claim.value, claim.evidence_url[:MAX_URL], claim.notes)
        for claim in parsed.claims
    )
    canonical = json.dumps(
        {"raw": raw, "claims": [vars(c) for c in claims], "url": parsed.upstream_url},
        sort_keys=True,
        ensure_ascii=False,
    )
    if "\\u0000" in canonical:
        # PostgreSQL stores no NUL character; refuse the record rather than fail the batch.
        return ParseError(parsed.key, "the record holds a NUL character")
    return StagedRecord(
        key=parsed.key,
        raw=raw,
        claims=claims,
        upstream_url=parsed.upstream_url[:MAX_URL],
        content_hash=hashlib.sha256(canonical.encode()).hexdigest(),
    )


def _plan(dataset: Dataset, parsed: list[Parsed]) -> Plan:
    plan = Plan()
    existing = {
        key: (pk, content_hash)
        for key, pk, content_hash in DatasetRecord.objects.filter(dataset=dataset).values_list(
            "key", "pk", "content_hash"
        )
    }
    for item in parsed:
        staged = _stage(item) if isinstance(item, ParsedRecord) else item
        if isinstance(staged, ParseError):
            plan.errors.append(staged)
        elif staged.key not in existing:
            plan.new.append(staged)
        elif existing[staged.key][1] != staged.content_hash:
            plan.changed.append((existing[staged.key][0], staged))
        else:
            plan.unchanged += 1
    return plan


def _batches[T](items: list[T], size: int) -> list[list[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _records_create(dataset: Dataset, staged: list[StagedRecord], version: str, now: Any) -> None:
    records = DatasetRecord.objects.bulk_create(
        [
            DatasetRecord(
                dataset=dataset,
                key=item.key,
                version=version,
                read_at=now,
                raw=item.raw,
                upstream_url=item.upstream_url,
                content_hash=item.content_hash,
            )
            for item in staged
        ]
    )
    DatasetClaim.objects.bulk_create(
        [
            DatasetClaim(record=record, **vars(claim))
            for record, item in zip(records, staged, strict=True)
            for claim in item.claims
        ]
    )


def _records_update(batch: list[tuple[int, StagedRecord]], version: str, now: Any) -> None:
    """Apply one batch of changed records: at most six queries whatever the batch holds (a bulk
    write with nothing to write sends none), and an announcement of the values that changed
    (its listeners' queries are theirs to keep fixed)."""
    staged_by_pk = dict(batch)
    records = list(DatasetRecord.objects.filter(pk__in=staged_by_pk))
    claims: dict[int, dict[str, DatasetClaim]] = {record.pk: {} for record in records}
    for stored in DatasetClaim.objects.filter(record__in=records):
        claims[stored.record_id][stored.field] = stored
    new_claims: list[DatasetClaim] = []
    changed_claims: list[DatasetClaim] = []
    changes: list[ClaimChange] = []
    for record in records:
        staged = staged_by_pk[record.pk]
        wanted = {claim.field: claim for claim in staged.claims}
        held = claims[record.pk]
        gone = [current for name, current in held.items() if name not in wanted]
        for name, claim in wanted.items():
            current = held.get(name)
            if current is None:
                new_claims.append(DatasetClaim(record=record, **vars(claim)))
                continue
            if (current.value, current.evidence_url, current.notes) == (
                claim.value,
                claim.evidence_url,
                claim.notes,
            ):
                # A record changes when any cell of its raw row does; most of its claims don't,
                # and bulk_update's cost grows with every row it is given.
                continue
            if current.value != claim.value:
                changes.append(_change(current, claim.value, record.version, version, now))
            current.value, current.evidence_url, current.notes = (
                claim.value,
                claim.evidence_url,
                claim.notes,
            )
            changed_claims.append(current)
        for current in gone:
            if not (current.value or current.evidence_url or current.notes):
                continue  # emptied by an earlier import
            # The dataset no longer says it: keep the claim, emptied, and the change that says so.
            if current.value:
                changes.append(_change(current, "", record.version, version, now))
            current.value, current.evidence_url, current.notes = "", "", ""
            changed_claims.append(current)
        record.version, record.read_at, record.raw = version, now, staged.raw
        record.upstream_url, record.content_hash = staged.upstream_url, staged.content_hash
    DatasetRecord.objects.bulk_update(
        records, ["version", "read_at", "raw", "upstream_url", "content_hash"]
    )
    DatasetClaim.objects.bulk_create(new_claims)
    DatasetClaim.objects.bulk_update(changed_claims, ["value", "evidence_url", "notes"])
    ClaimChange.objects.bulk_create(changes)
    if changes:
        event_announce(DatasetValuesChanged(change_ids=tuple(change.pk for change in changes)))


def _change(claim: DatasetClaim, new: str, old_version: str, version: str, now: Any) -> ClaimChange:
    return ClaimChange(
        claim=claim,
        old_value=claim.value,
        new_value=new,
        old_version=old_version,
        new_version=version,
        changed_at=now,
    )


def _printable(text: str) -> str:
    return text.replace("\x00", "\N{SYMBOL FOR NULL}")


def _apply(run: ImportRun, parsed: list[Parsed], batch_size: int) -> Plan:
    now = timezone.now()
    with transaction.atomic():
        # One run per dataset writes at a time; the plan is made under the lock.
        Dataset.objects.select_for_update().get(pk=run.dataset_id)
        plan = _plan(run.dataset, parsed)
        RecordError.objects.bulk_create(
            [
                RecordError(run=run, where=_printable(e.where)[:500], message=_printable(e.message))
                for e in plan.errors
            ],
            batch_size=batch_size,
        )
        for batch in _batches(plan.new, batch_size):
            _records_create(run.dataset, batch, run.version, now)
        for changed in _batches(plan.changed, batch_size):
            _records_update(changed, run.version, now)
    return plan


def _counts(run: ImportRun, plan: Plan) -> None:
    run.created, run.changed, run.unchanged = len(plan.new), len(plan.changed), plan.unchanged
    run.errors = len(plan.errors)
    run.read = run.created + run.changed + run.unchanged
    run.read += sum(1 for error in plan.errors if error.where != "header")
    run.state = ImportRun.State.PARTIAL if plan.errors else ImportRun.State.OK


def dataset_import(
    *,
    dataset: str,
    source: str | None = None,
    dry_run: bool = False,
    new_company_models: int | None = None,
) -> ImportRun:
    """Import ``dataset`` (epoch, mot or osai) from ``source`` or its URL setting.

    ``source`` is an http(s) URL (fetched through the safe client) or a local file, archive or
    folder. A dry run reads and compares but writes nothing, not even its ImportRun; its record
    errors are listed in the returned run's ``error``. Never raises for bad input: the run's
    state (ok, partial, failed) and errors say what happened. ``new_company_models`` overrides
    the threshold of models above which an unknown organisation becomes a company.
    """
    if dataset not in DATASETS:
        raise ValueError(f"Unknown dataset {dataset!r}: choose one of {', '.join(DATASETS)}.")
    info = DATASETS[dataset]
    conf = datasets_conf()
    location = source or str(getattr(conf, f"{dataset}_url"))
    run = ImportRun(dataset=dataset_ensure(info=info), source=redact_url(location)[:2000])
    run.dry_run = dry_run
    if not dry_run:
        run.save()
    try:
        if not location:
            raise SnapshotError(f"No source: set {info.url_setting} or give --from.")
        snapshot = _snapshot(location, max_bytes=conf.max_bytes)
        run.version = snapshot.version[:200]
        parsed = list(info.parse(snapshot.files))
        if dry_run:
            plan = _plan(run.dataset, parsed)
            run.error = "\n".join(
                f"{e.where}: {e.message}" for e in plan.errors[:DRY_RUN_ERRORS_SHOWN]
            )
        else:
            plan = _apply(run, parsed, conf.batch_size)
            # Releases become acts on their labs' timelines once matching has named the labs
            # (it may have made companies), so a re-import finds every act already recorded.
            match = dataset_rematch(dataset=run.dataset, new_company_models=new_company_models)
            run.matched = match.automatic + match.decided
            run.to_review = match.review
            run.companies_created = len(match.companies_created)
        _counts(run, plan)
    except SnapshotError as error:
        run.state, run.error = ImportRun.State.FAILED, str(error)
    except Exception as error:  # a bug must still end the run visibly, with nothing changed
        logger.exception("dataset import %s failed", dataset)
        run.state, run.error = ImportRun.State.FAILED, f"Unexpected error: {error!r}"
    run.finished_at, run.error = timezone.now(), _printable(run.error)
    if not dry_run:
        run.save()
    return run
