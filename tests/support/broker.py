"""What is waiting in the Redis queue, read from the broker itself (these tests run on Redis)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

from config.celery import app as celery_app

__all__ = ["queue_size", "queued_task_etas", "queued_task_names", "queued_tasks_take"]


def _queues() -> list[str]:
    """Every queue a task may be routed to (settings.TASK_QUEUE_NAMES)."""
    return list(settings.TASK_QUEUE_NAMES)


@contextmanager
def _broker() -> Iterator[tuple[Any, Any]]:
    """The channel and the Redis client behind Celery's queues, for the length of a block."""
    with celery_app.connection_for_write() as connection:
        channel: Any = connection.default_channel
        yield channel, channel.client


def queue_size(queue: str) -> int:
    """How many messages wait in ``queue``, over all of its priority lists.

    kombu's own count (what a non-passive queue_declare reports), read without declaring.
    """
    with _broker() as (channel, _client):
        return int(channel._size(queue))


def queued_task_names() -> list[str]:
    """The tasks waiting in every queue, oldest first within each queue."""
    with _broker() as (_channel, client):
        raw = [item for queue in _queues() for item in reversed(client.lrange(queue, 0, -1))]
    return [json.loads(item)["headers"]["task"] for item in raw]


def queued_task_etas(name: str) -> list[str | None]:
    """When each queued ``name`` task is due (its ISO ``eta``; None for at once)."""
    with _broker() as (_channel, client):
        raw = [item for queue in _queues() for item in reversed(client.lrange(queue, 0, -1))]
    messages = [json.loads(item) for item in raw]
    return [m["headers"].get("eta") for m in messages if m["headers"]["task"] == name]


def queued_tasks_take(name: str) -> list[list[Any]]:
    """Take the queued ``name`` tasks off every queue, oldest first; return their args."""
    taken = []
    with _broker() as (_channel, client):
        for queue in _queues():
            for item in reversed(client.lrange(queue, 0, -1)):
                message = json.loads(item)
                if message["headers"]["task"] == name and client.lrem(queue, 1, item):
                    args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
                    taken.append(args)
    return taken
