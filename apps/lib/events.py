"""Domain events: a lower layer announces what happened without knowing who listens.

The app that owns a fact defines its event as a frozen dataclass of ids, named in the past
tense (``apps/claims/events.py``: ``StatementPublished``; ``apps/catalog/events.py``:
``ModelStatusChanged``). Its services call :func:`event_announce`; an app higher up that
reacts subscribes a handler in its ``AppConfig.ready()`` with :func:`event_subscribe`.

Handlers run synchronously, in the announcer's transaction: what a handler writes (the alerts
outbox) commits or rolls back together with the change it reports, and a handler that raises
aborts that change. Work that must wait for the commit is for the handler to defer with
``transaction.on_commit``. An event nobody subscribed to is announced to nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DomainEvent:
    """The base of every domain event: a fact that happened, carrying the ids it concerns."""


_handlers: dict[type[DomainEvent], list[Callable[[Any], None]]] = {}


def event_subscribe[E: DomainEvent](event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call handler with every event of exactly event_type announced from now on.

    Subscribing the same handler again changes nothing, so a ready() that runs twice (as it may
    in tests) does not make a handler run twice.
    """
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def event_announce(event: DomainEvent) -> None:
    """Call every handler subscribed to the event's type, in subscription order, now."""
    for handler in tuple(_handlers.get(type(event), ())):
        handler(event)
