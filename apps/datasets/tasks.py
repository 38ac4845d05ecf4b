"""Thin Celery wrappers: the work is in services.py. Routed to the ``datasets`` queue."""

from __future__ import annotations

from celery import shared_task

from apps.datasets.matching import match_decision_apply
from apps.datasets.registry import DATASETS
from apps.datasets.services import dataset_import


@shared_task(name="datasets.import", ignore_result=True)
def dataset_import_task(dataset: str) -> str:
    return dataset_import(dataset=dataset).state


@shared_task(name="datasets.sync", ignore_result=True)
def datasets_sync() -> list[str]:
    """The weekly beat entry (only when DATASETS_SYNC=1): one import task per dataset."""
    for key in DATASETS:
        dataset_import_task.delay(key)
    return list(DATASETS)


@shared_task(name="datasets.match_apply", ignore_result=True)
def match_decision_apply_task(decision_id: int) -> bool:
    """An editor's match decision, applied to every dataset (queued when it is saved)."""
    return match_decision_apply(decision_id=decision_id) is not None
