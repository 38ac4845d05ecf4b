"""Celery tasks of the staff accounts: thin wrappers over one service each."""

from __future__ import annotations

from celery import shared_task

from . import reviews


@shared_task(name="accounts.review_mails_send")
def review_mails_send() -> int:
    return reviews.review_mails_send().sent
