"""Admin doors that saved past the services: each now goes through them or shows read-only."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from apps.alerts.models import Event
from apps.catalog.models import AIModel, ModelStatusChange
from apps.catalog.services import model_status_add
from apps.ingest.models import Feed
from tests.factories import company_make, model_make
from tests.security.forms import as_post_data, form_fields

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def model_page_data(client: Client, model: AIModel) -> dict[str, list[str]]:
    """What the model's page posts back when saved unchanged."""
    html = client.get(reverse("admin:catalog_aimodel_change", args=[model.pk])).content.decode()
    return {**as_post_data(form_fields(html, "aimodel_form")), "_save": ["Save"]}


def test_a_status_added_on_the_model_page_is_recorded_with_its_alert_event(editor: User) -> None:
    model = model_make(developer=company_make())
    client = logged_in(editor)
    data = model_page_data(client, model)
    data.update(
        {
            "status_history-TOTAL_FORMS": ["1"],
            "status_history-0-status": ["released"],
            "status_history-0-date": ["2025-08-05"],
            "status_history-0-date_precision": ["day"],
            "status_history-0-note": ["Weights on the hub."],
        }
    )
    response = client.post(reverse("admin:catalog_aimodel_change", args=[model.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = ModelStatusChange.objects.get(model=model)
    assert change.status == "released"
    assert Event.objects.filter(kind="model_status", model_status_change=change).exists()


def test_a_recorded_status_cannot_be_rewritten_or_deleted_from_the_model_page(
    editor: User,
) -> None:
    model = model_make(developer=company_make())
    recorded = model_status_add(model=model, status="delayed", date=datetime.date(2025, 5, 15))
    client = logged_in(editor)
    data = model_page_data(client, model)
    assert data["status_history-INITIAL_FORMS"] == ["1"]
    # What the old editable row would have posted: another status, and the delete box.
    data.update(
        {
            "status_history-0-status": ["released"],
            "status_history-0-date": ["2025-05-15"],
            "status_history-0-date_precision": ["day"],
            "status_history-0-DELETE": ["on"],
        }
    )
    response = client.post(reverse("admin:catalog_aimodel_change", args=[model.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    recorded.refresh_from_db()
    assert recorded.status == "delayed"
    assert Event.objects.filter(model_status_change=recorded).count() == 1


def test_staff_who_may_only_view_feeds_cannot_run_the_feed_actions(reader: User) -> None:
    reader.user_permissions.add(Permission.objects.get(codename="view_feed"))
    feed = Feed.objects.create(url="https://feeds.example/rss.xml", is_paused=False)
    changelist = reverse("admin:ingest_feed_changelist")
    client = logged_in(reader)
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "pause_selected", "_selected_action": [feed.pk]})
    feed.refresh_from_db()
    assert not feed.is_paused
