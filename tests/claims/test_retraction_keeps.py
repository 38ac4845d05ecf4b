"""Retracting never deletes (issue 15): a retracted statement stays in the record, with its
whole history, its citations and its events, and no door deletes it afterwards."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client

from apps.alerts.models import Event
from apps.claims import services
from apps.claims.models import EditorialState, Statement
from tests.factories import company_make, statement_make

pytestmark = pytest.mark.django_db


def test_a_retracted_statement_stays_with_its_history_and_cannot_be_deleted(
    client: Client,
) -> None:
    lab = company_make(name="Meta", slug="meta")
    statement = statement_make(company=lab, stance="closed", publish=True)
    citations = statement.citations.count()
    events = Event.objects.filter(statement=statement).count()
    assert citations == 1 and events >= 1  # statement published, and the stance change

    services.statement_retract(statement=statement, user=None, reason="The report was wrong.")

    kept = Statement.objects.get(pk=statement.pk)
    assert kept.state == EditorialState.RETRACTED
    assert kept.retraction_reason == "The report was wrong."
    assert kept.citations.count() == citations
    assert Event.objects.filter(statement=statement).count() == events
    history = list(
        kept.history.order_by("history_date").values_list("state", "history_change_reason")
    )
    assert history[0][0] == EditorialState.DRAFT
    assert (EditorialState.PUBLISHED, "Published") in history
    assert history[-1] == (EditorialState.RETRACTED, "Retracted: The report was wrong.")

    with pytest.raises(ValidationError):
        services.statement_delete(statement=kept, user=None)
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    refused = client.post(f"/admin/claims/statement/{kept.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403
    client.post(
        "/admin/claims/statement/",
        {"action": "delete_selected", "_selected_action": [kept.pk], "post": "yes"},
    )
    assert Statement.objects.filter(pk=kept.pk, state=EditorialState.RETRACTED).exists()
    assert kept.history.count() == len(history)
