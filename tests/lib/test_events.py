"""Domain events: announced to whoever subscribed, in the announcer's transaction.

Each test defines its own event types, so that the handlers it subscribes (the registry lives as
long as the process) never hear another test's events.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection, transaction

from apps.alerts.models import Event, EventKind
from apps.catalog.models import Company
from apps.catalog.services import model_status_add
from apps.lib.events import DomainEvent, event_announce, event_subscribe
from tests.factories import company_make, model_make


def test_announcing_an_event_nobody_subscribed_to_calls_nothing() -> None:
    @dataclass(frozen=True)
    class LabNamed(DomainEvent):
        name: str

    @dataclass(frozen=True)
    class LabRenamed(DomainEvent):
        name: str

    heard: list[LabNamed] = []
    event_subscribe(LabNamed, heard.append)

    event_announce(LabRenamed(name="Meta"))

    assert heard == []


def test_a_handler_hears_each_event_of_its_type_once_however_often_it_subscribed() -> None:
    @dataclass(frozen=True)
    class LabNamed(DomainEvent):
        name: str

    heard: list[LabNamed] = []
    event_subscribe(LabNamed, heard.append)
    event_subscribe(LabNamed, heard.append)

    event_announce(LabNamed(name="Meta"))
    event_announce(LabNamed(name="OpenAI"))

    assert heard == [LabNamed(name="Meta"), LabNamed(name="OpenAI")]


@pytest.mark.django_db(transaction=True)
def test_a_handler_writes_in_the_announcers_transaction_and_rolls_back_with_it() -> None:
    @dataclass(frozen=True)
    class LabNamed(DomainEvent):
        name: str

    in_transaction: list[bool] = []

    def company_create(event: LabNamed) -> None:
        in_transaction.append(connection.in_atomic_block)
        Company.objects.create(name=event.name, slug=event.name.lower())

    event_subscribe(LabNamed, company_create)
    with pytest.raises(RuntimeError), transaction.atomic():
        event_announce(LabNamed(name="Rolled"))
        assert Company.objects.filter(slug="rolled").exists()
        raise RuntimeError("the announcer's change is rolled back")

    assert in_transaction == [True]
    assert not Company.objects.filter(slug="rolled").exists()


@pytest.mark.django_db
def test_a_handler_that_fails_aborts_the_change_it_heard_of() -> None:
    @dataclass(frozen=True)
    class LabNamed(DomainEvent):
        name: str

    def refuse(event: LabNamed) -> None:
        raise ValueError(f"no {event.name}")

    event_subscribe(LabNamed, refuse)
    with pytest.raises(ValueError, match="no Refused"), transaction.atomic():
        Company.objects.create(name="Refused", slug="refused")
        event_announce(LabNamed(name="Refused"))

    assert not Company.objects.filter(slug="refused").exists()


@pytest.mark.django_db
def test_a_model_status_rolled_back_leaves_no_outbox_row_and_a_committed_one_leaves_one() -> None:
    # The catalogue announces ModelStatusChanged; alerts, subscribed in its ready(), writes the
    # outbox row in the same transaction.
    model = model_make(developer=company_make())
    with pytest.raises(RuntimeError), transaction.atomic():
        model_status_add(model=model, status="delayed", date=datetime.date(2025, 5, 15))
        assert Event.objects.filter(kind=EventKind.MODEL_STATUS).exists()
        raise RuntimeError("the status entry is rolled back")

    assert not Event.objects.exists(), "an outbox row must not outlive the change it reports"

    change = model_status_add(model=model, status="delayed", date=datetime.date(2025, 5, 15))
    event = Event.objects.get()
    assert (event.kind, event.model_status_change) == (EventKind.MODEL_STATUS, change)
