"""Schemathesis fuzzes every operation from the API's own OpenAPI document, through the WSGI
application on the test database (the seeded record, with a dataset's claims so that the
disagreements have rows): no server error, and no answer that breaks the documented schema
(status, content type, headers, body). A bounded, seeded number of examples per operation, so
the test is repeatable and takes seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.api.api import api
from apps.catalog.models import AIModel
from tests.datasets.helpers import record_make

EXAMPLES_PER_OPERATION = 25

schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
)
schema.app = get_wsgi_application()


@pytest.fixture
def wsgi_in_the_test_transaction() -> Iterator[None]:
    """The real WSGI handler closes the database connection after each request when it is
    inside a transaction, as the test's is; Django's own test client turns that off too."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def record(seeded: None, wsgi_in_the_test_transaction: None) -> None:
    """The seeded record, plus two datasets that disagree about one model's access level."""
    behemoth = AIModel.objects.get(slug="llama-4-behemoth")
    record_make("epoch", behemoth, {"access_level": "Open weights (unrestricted)"}, key="fuzz-e")
    record_make("mot", behemoth, {"licence:weights": "Llama 4 Community License"}, key="fuzz-m")


@pytest.mark.django_db
@pytest.mark.slow  # some 30 seconds: make test runs it, make test-fast leaves it out
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema_whatever_it_is_sent(case: Any, record: None) -> None:
    # Excluded: "schema-valid data must be accepted". The schema cannot say that a lab's slug
    # must exist, that `since` comes before `until`, or that a cursor must be one this list
    # gave out; those are 400s with the documented error body, checked by every other check.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
