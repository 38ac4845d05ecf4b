"""Matching a dataset's records to the catalogue's models and companies, after each import.

An exact match of the normalised name (or of an alias an editor entered) is automatic. A name
that several models or companies answer to, or that only resembles one (``llama 3 1`` and
``llama 3 1 8b``), goes to the review queue as a :class:`MatchDecision` with its candidates;
an editor merges it with one candidate or keeps it apart, and the decision holds for every
later import of any dataset. An organisation nothing answers to becomes a new company only when
the dataset names it for at least ``DATASETS_NEW_COMPANY_MODELS`` models.

Deciding is quick and applying is not (every dataset is matched again and its acts recorded,
seconds on the real datasets): :func:`match_decide` records the decision and hands its id to a
worker, which calls :func:`match_decision_apply`; the decision's ``applied_at`` says when that
has happened. Matching a dataset always holds its row locked (:func:`dataset_rematch`), so an
import and a decision being applied never match the same records at the same time.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from apps.catalog.services import company_create
from apps.datasets.acts import dataset_acts_record
from apps.datasets.conf import datasets_conf
from apps.datasets.models import Dataset, DatasetClaim, DatasetRecord, MatchDecision
from apps.datasets.selectors import company_names, model_names, name_key

#: How alike two normalised names must be (difflib's ratio) to be put to an editor.
FUZZY_CUTOFF = 0.88
FUZZY_CANDIDATES = 3
DEVELOPER_SEPARATOR = "; "

Kind = MatchDecision.Kind


@dataclass
class MatchReport:
    """What one matching pass did, counted in records (and companies created)."""

    automatic: int = 0
    decided: int = 0
    review: int = 0
    unmatched: int = 0
    companies_created: list[str] = field(default_factory=list)


@dataclass
class _Index:
    """One kind's names: exact keys, every key for fuzzy look-ups, and the remembered decisions."""

    kind: str
    exact: dict[str, set[int]]
    labels: dict[int, Any]
    decisions: dict[str, MatchDecision]
    queued: dict[str, MatchDecision] = field(default_factory=dict)
    _candidates: dict[str, list[int]] = field(default_factory=dict)

    def candidates(self, key: str) -> list[int]:
        if key not in self._candidates:
            self._candidates[key] = self._candidates_find(key)
        return self._candidates[key]

    def _candidates_find(self, key: str) -> list[int]:
        found = set(self.exact.get(key, set()))
        if not found:
            # A longer or shorter spelling of the same name ("llama 3 1" / "llama 3 1 8b").
            for other, ids in self.exact.items():
                if other.startswith(key + " ") or key.startswith(other + " "):
                    found |= ids
            for other in difflib.get_close_matches(
                key, list(self.exact), n=FUZZY_CANDIDATES, cutoff=FUZZY_CUTOFF
            ):
                found |= self.exact[other]
        return sorted(found)

    def is_unknown(self, name: str) -> bool:
        """Nothing answers to ``name``, or an editor kept it apart from what resembles it."""
        key = name_key(name)
        decision = self.decisions.get(key)
        if decision is not None:
            return decision.is_decided and decision.kept_apart
        return bool(key) and not self.candidates(key)

    def add(self, key: str, thing: Any) -> None:
        self.exact.setdefault(key, set()).add(thing.pk)
        self.labels[thing.pk] = thing
        self._candidates.clear()
        decision = self.decisions.get(key)
        if decision is not None and decision.kept_apart:
            # Kept apart from what it resembled, and now its own company: remembered as such.
            decision.kept_apart, decision.company_id = False, thing.pk
            decision.save(update_fields=["kept_apart", "company"])

    def resolve(self, name: str) -> tuple[int | None, str]:
        """The id ``name`` means and how it was found: automatic, decided, review or none."""
        key = name_key(name)
        if not key:
            return None, "none"
        decision = self.decisions.get(key)
        if decision is not None and decision.is_decided:
            chosen = decision.company_id or decision.model_id
            return (None, "none") if decision.kept_apart or chosen is None else (chosen, "decided")
        exact = self.exact.get(key, set())
        if len(exact) == 1:
            return next(iter(exact)), "automatic"
        candidates = self.candidates(key)
        if not candidates:
            return None, "none"
        if decision is None and key not in self.queued:
            self.queued[key] = MatchDecision(
                kind=self.kind,
                name_key=key[:500],
                name=name[:500],
                candidates="\n".join(f"{self.labels[pk]} ({pk})" for pk in candidates),
            )
        return None, "review"


def _decisions(kind: str) -> dict[str, MatchDecision]:
    return {d.name_key: d for d in MatchDecision.objects.filter(kind=kind)}


def records_match(*, dataset: Dataset, new_company_models: int | None = None) -> MatchReport:
    """Match every record of ``dataset`` to a catalogue model and company; queue the unsure.

    ``new_company_models`` overrides the DATASETS_NEW_COMPANY_MODELS threshold (the demo's
    sample of a dataset names each organisation fewer times than the whole dataset does).

    A constant number of queries however many records, plus one insert per company created.
    Only records whose match changed are written.
    """
    report = MatchReport()
    models, model_index = model_names()
    companies, company_index = company_names()
    by_model = _Index(Kind.MODEL, model_index, models, _decisions(Kind.MODEL))
    by_company = _Index(Kind.ORGANISATION, company_index, companies, _decisions(Kind.ORGANISATION))
    records = list(DatasetRecord.objects.filter(dataset=dataset))
    developers = {
        record_id: [name.strip() for name in value.split(DEVELOPER_SEPARATOR) if name.strip()]
        for record_id, value in DatasetClaim.objects.filter(
            record__dataset=dataset, field="developer"
        ).values_list("record_id", "value")
    }
    with transaction.atomic():
        # New companies first, so this run's matching already sees them, as the next run will.
        threshold = new_company_models or datasets_conf().new_company_models
        _companies_create(by_company, developers, report, threshold)
        wanted: dict[int, tuple[int | None, int | None]] = {}
        for record in records:
            model_id, how = by_model.resolve(record.key)
            company_id: int | None = None
            for developer in developers.get(record.pk, []):
                company_id, _how = by_company.resolve(developer)
                if company_id is not None:
                    break
            if company_id is None and model_id is not None:
                company_id = models[model_id].developer_id
            outcome = "unmatched" if how == "none" else how
            setattr(report, outcome, getattr(report, outcome) + 1)
            wanted[record.pk] = (model_id, company_id)
        MatchDecision.objects.bulk_create(
            [*by_model.queued.values(), *by_company.queued.values()], ignore_conflicts=True
        )
        changed = []
        for record in records:
            model_id, company_id = wanted[record.pk]
            if (record.model_id, record.company_id) != (model_id, company_id):
                record.model_id, record.company_id = model_id, company_id
                changed.append(record)
        DatasetRecord.objects.bulk_update(
            changed, ["model", "company"], batch_size=datasets_conf().batch_size
        )
    return report


def _companies_create(
    by_company: _Index, developers: dict[int, list[str]], report: MatchReport, threshold: int
) -> None:
    """A new company for each organisation nothing answers to (or kept apart by an editor)
    that the dataset names for at least the threshold of models; added to ``by_company``."""
    counts: Counter[str] = Counter()
    first_written: dict[str, str] = {}
    for names in developers.values():
        for key in {name_key(name) for name in names if by_company.is_unknown(name)}:
            counts[key] += 1
        for name in names:
            first_written.setdefault(name_key(name), name)
    for key, count in sorted(counts.items()):
        if count >= threshold:
            company = company_create(name=first_written[key])
            by_company.add(key, company)
            report.companies_created.append(company.name)


def dataset_rematch(*, dataset: Dataset, new_company_models: int | None = None) -> MatchReport:
    """Match ``dataset``'s records and record its releases as acts (which need the labs matching
    names), in one transaction with the dataset's row locked."""
    with transaction.atomic():
        Dataset.objects.select_for_update().get(pk=dataset.pk)
        report = records_match(dataset=dataset, new_company_models=new_company_models)
        dataset_acts_record(dataset=dataset)
    return report


def match_decide(
    *,
    decision: MatchDecision,
    user: AbstractBaseUser | AnonymousUser | None,
    enqueue: Callable[[int], object],
    company_id: int | None = None,
    model_id: int | None = None,
    kept_apart: bool = False,
) -> MatchDecision:
    """Record an editor's decision on a queued name, and once it is committed hand its id to
    ``enqueue`` (the ``datasets.match_apply`` task's delay) to apply it to every dataset."""
    if kept_apart == bool(company_id or model_id):
        raise ValueError("Choose one candidate, or keep the name apart: exactly one of the two.")
    if company_id and decision.kind != Kind.ORGANISATION:
        raise ValueError("A model's name is matched to a model, not a company.")
    if model_id and decision.kind != Kind.MODEL:
        raise ValueError("An organisation's name is matched to a company, not a model.")
    with transaction.atomic():
        decision.company_id, decision.model_id = company_id, model_id
        decision.kept_apart = kept_apart
        decision.decided_by = user if isinstance(user, AbstractBaseUser) else None  # type: ignore[assignment]
        decision.decided_at = timezone.now()
        decision.applied_at = None
        decision.save()
        decision_id = decision.pk
        transaction.on_commit(lambda: enqueue(decision_id), robust=True)
    return decision


def match_decision_apply(*, decision_id: int) -> MatchDecision | None:
    """Apply a recorded decision: match every dataset again, with every decision made so far,
    and record the acts the decision gives a lab or model. Then mark the decision applied,
    unless an editor decided it again meanwhile (that decision has its own task coming).

    None if the decision was deleted before a worker got to it.
    """
    started = timezone.now()
    if not MatchDecision.objects.filter(pk=decision_id).exists():
        return None
    with transaction.atomic():
        # Every dataset locked, always in the same order: two decisions applied at once take
        # turns, and an import waits to match its dataset until this one is done.
        for dataset in Dataset.objects.select_for_update().order_by("key"):
            dataset_rematch(dataset=dataset)
        MatchDecision.objects.filter(pk=decision_id, decided_at__lte=started).update(
            applied_at=timezone.now()
        )
    return MatchDecision.objects.filter(pk=decision_id).first()
