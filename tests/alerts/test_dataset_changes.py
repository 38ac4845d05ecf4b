"""A value an imported dataset changes, told to the model's and the lab's readers exactly once.

Each test imports small files through the real import (served by a local HTTP server, or read
from a folder), so the event is written by the datasets' announcement in the import's own
transaction, as in production; mail goes to a real SMTP server, sent in-process or, in the last
test, by a real Celery worker on Redis.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any

import feedparser
import pytest
from django.db import connection, transaction
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from apps.alerts import services, tasks
from apps.alerts.models import (
    Delivery,
    Event,
    EventKind,
    Subscriber,
    Subscription,
    WebhookEndpoint,
)
from apps.alerts.text_parts import SUBJECT_MAX
from apps.catalog.models import AIModel, Company
from apps.datasets.models import ClaimChange
from apps.datasets.parsers.osai import DIMENSIONS
from apps.datasets.services import dataset_import
from config.celery import app as celery_app
from tests.datasets.helpers import HEADER, serve
from tests.factories import company_make, model_make
from tests.support.alerts import confirmations_send_queued, subscriber_make
from tests.support.httpserver import LocalHTTPServer
from tests.support.shared import shared_path
from tests.support.smtpserver import SMTPServer
from tests.support.worker import CeleryWorker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_on_loopback")]

MAVERICK = "Llama 4 Maverick,Meta,2025-04-05,{params},{access},https://ai.meta.com/llama4,,"
GPT = "GPT-4o,OpenAI,2024-05-13,,API access,,,"
UNMATCHED = "Nobody's Model,Tiny Lab,2024-01-01,,{access},,,"
HEADLINE = (
    "Epoch AI now lists Llama 4 Maverick as API access; it listed open weights (unrestricted)"
)
HEADLINE_JA = (
    "Epoch AIは現在、Llama 4 Maverickを「APIアクセス」としています"
    "（以前は「オープンウェイト（制限なし）」）"  # noqa: RUF001
)
ATTRIBUTION = "Epoch AI, 'Parameter, Compute and Data Trends in Machine Learning'"


def epoch_csv(*, access: str, params: str = "400000000000", unmatched: str = "") -> bytes:
    rows = [MAVERICK.format(params=params, access=access), GPT]
    rows.append(UNMATCHED.format(access=unmatched or access))
    return (HEADER + "\n".join(rows) + "\n").encode()


def catalogue() -> tuple[Company, AIModel, Company]:
    meta = company_make(name="Meta", slug="meta")
    maverick = model_make(developer=meta, name="Llama 4 Maverick", slug="llama-4-maverick")
    openai = company_make(name="OpenAI", slug="openai")
    model_make(developer=openai, name="GPT-4o", slug="gpt-4o")
    return meta, maverick, openai


def dataset_reader(email: str, **scope: Any) -> Subscriber:
    """A reader who follows changes in the datasets only (not the stance changes that the
    imported acts may cause), of ``scope``: a lab, a model, or everything."""
    return subscriber_make(email, stance_changes=False, dataset_changes=True, **scope)


def epoch_import(server: LocalHTTPServer, name: str, body: bytes) -> None:
    run = dataset_import(dataset="epoch", source=serve(server, f"/{name}.csv", body))
    assert run.state == "ok", run.error


def dataset_events() -> list[Event]:
    return list(Event.objects.filter(kind=EventKind.DATASET_CHANGE).order_by("pk"))


def maverick_goes_api_only(server: LocalHTTPServer) -> Event:
    """Import Epoch once (open weights), then again with Llama 4 Maverick as API access."""
    epoch_import(server, "v1", epoch_csv(access="Open weights (unrestricted)"))
    assert dataset_events() == [], "a first import states values, it changes none"
    epoch_import(server, "v2", epoch_csv(access="API access"))
    [event] = dataset_events()
    return event


@pytest.mark.slow
def test_a_changed_access_level_is_one_event_for_the_model_and_its_lab_and_only_once(
    http_server: LocalHTTPServer,
) -> None:
    meta, maverick, _openai = catalogue()

    event = maverick_goes_api_only(http_server)

    assert event.company == meta
    assert list(event.ai_models.all()) == [maverick]
    assert event.dataset_change is not None
    change = event.dataset_change
    assert (change.claim.field, change.old_value, change.new_value) == (
        "access_level",
        "Open weights (unrestricted)",
        "API access",
    )
    again = dataset_import(
        dataset="epoch", source=serve(http_server, "/v2-again.csv", epoch_csv(access="API access"))
    )
    assert again.changed == 0
    assert dataset_events() == [event], "the same file again is no new change"


def test_a_change_on_a_record_no_catalogue_model_answers_to_is_kept_and_tells_nobody(
    http_server: LocalHTTPServer,
) -> None:
    catalogue()
    access = "Open weights (unrestricted)"
    epoch_import(http_server, "v1", epoch_csv(access=access))
    epoch_import(http_server, "v2", epoch_csv(access=access, unmatched="API access"))

    kept = ClaimChange.objects.get(claim__record__key="Nobody's Model")
    assert (kept.old_value, kept.new_value) == (access, "API access")
    assert dataset_events() == []


def test_release_dates_parameters_and_values_no_longer_stated_are_kept_but_not_announced(
    http_server: LocalHTTPServer,
) -> None:
    catalogue()
    epoch_import(http_server, "v1", epoch_csv(access="Open weights (unrestricted)"))
    rows = epoch_csv(access="open weights  (Unrestricted)", params="401000000000")
    epoch_import(http_server, "v2", rows.replace(b"2025-04-05", b"2025-04"))
    epoch_import(http_server, "v3", epoch_csv(access="", params="401000000000"))

    kept = Counter(ClaimChange.objects.values_list("claim__field", flat=True))
    # Parameters once, the date twice (to a month and back), the access level twice (case and
    # spacing, then no longer stated) for Maverick and for the unmatched record.
    assert kept == {"parameters": 1, "release_date": 2, "access_level": 4}
    assert dataset_events() == []


@pytest.mark.slow
def test_the_models_and_the_labs_readers_get_one_mail_each_in_their_language(
    http_server: LocalHTTPServer, smtp: SMTPServer
) -> None:
    meta, maverick, openai = catalogue()
    dataset_reader("model@example.org", ai_model=maverick)
    dataset_reader("lab@example.org", company=meta)
    both = dataset_reader("both@example.org", ai_model=maverick)
    Subscription.objects.create(subscriber=both, company=meta, dataset_changes=True)
    dataset_reader("ja@example.org", company=meta, language="ja")
    dataset_reader("everything@example.org")
    dataset_reader("other-lab@example.org", company=openai)
    subscriber_make("stance-only@example.org", company=meta)
    event = maverick_goes_api_only(http_server)

    first = services.event_fan_out(event_id=event.pk)
    second = services.event_fan_out(event_id=event.pk)
    services.deliveries_send(event_id=event.pk)
    services.event_fan_out(event_id=event.pk)
    services.deliveries_send(event_id=event.pk)

    assert (first.created, second.created) == (5, 0)
    readers = ["model", "lab", "both", "ja", "everything"]
    assert Counter(mail.to for mail in smtp.messages) == Counter(
        f"{reader}@example.org" for reader in readers
    )
    assert Delivery.objects.filter(event=event).count() == 5
    mails = {mail.to: mail for mail in smtp.messages}
    english = mails["model@example.org"]
    subject = str(english.message["Subject"])
    assert subject == "Aperture: Epoch AI now lists Llama 4 Maverick as API access"
    text = english.part("text/plain")
    assert HEADLINE in text
    assert "http://testserver/models/llama-4-maverick/" in text
    assert "https://epoch.ai/data/ai-models" in text, "the upstream record"
    assert "https://ai.meta.com/llama4" in text, "the evidence the dataset gives"
    assert "Epoch AI: Data on AI models (CC BY 4.0)" in text and ATTRIBUTION in text
    html = english.part("text/html")
    assert 'href="http://testserver/models/llama-4-maverick/"' in html
    assert 'href="https://epoch.ai/data/ai-models"' in html
    assert ATTRIBUTION in unescape(html)
    japanese = mails["ja@example.org"]
    assert str(japanese.message["Subject"]).startswith("Aperture: Epoch AIは現在")
    assert HEADLINE_JA in japanese.part("text/plain")
    assert "データ: Epoch AI: Data on AI models (CC BY 4.0)" in japanese.part("text/plain")
    assert all(len(str(mail.message["Subject"])) <= SUBJECT_MAX for mail in smtp.messages)


def _entries(client: Client, path: str, language: str = "en") -> list[feedparser.FeedParserDict]:
    response = client.get(path if language == "en" else f"/{language}{path}")
    assert response.status_code == 200
    return list(feedparser.parse(response.content).entries)


@pytest.mark.slow
def test_the_atom_feeds_of_the_model_the_lab_and_everything_carry_the_change(
    http_server: LocalHTTPServer, client: Client
) -> None:
    catalogue()
    event = maverick_goes_api_only(http_server)

    for path in ["/feeds/models/llama-4-maverick.atom", "/feeds/labs/meta.atom", "/feeds/all.atom"]:
        [entry] = [e for e in _entries(client, path) if e.id.endswith(f"/{event.pk}")]
        assert entry.title == HEADLINE
        assert entry.link == "http://testserver/models/llama-4-maverick/"
        assert '<a href="https://epoch.ai/data/ai-models">' in entry.summary
        assert ATTRIBUTION in unescape(entry.summary)
    assert not [e for e in _entries(client, "/feeds/labs/openai.atom") if e.title == HEADLINE]
    japanese = _entries(client, "/feeds/models/llama-4-maverick.atom", "ja")
    assert HEADLINE_JA in [entry.title for entry in japanese]


@pytest.mark.slow
def test_a_webhook_following_the_lab_carries_the_change_with_its_source(
    http_server: LocalHTTPServer,
) -> None:
    meta, _maverick, _openai = catalogue()
    http_server.route("/hook", status=204, body=b"")
    WebhookEndpoint.objects.create(
        name="Newsroom", url=http_server.url("/hook"), secret="s3cret", company=meta
    )
    event = maverick_goes_api_only(http_server)

    services.event_fan_out(event_id=event.pk)
    services.webhooks_send()

    [request] = [r for r in http_server.requests if r.path == "/hook"]
    payload = json.loads(request.body)
    assert (payload["kind"], payload["headline"]) == ("dataset_change", HEADLINE)
    assert payload["models"] == ["llama-4-maverick"]
    change = payload["dataset_change"]
    assert (change["dataset"], change["field"]) == ("epoch", "access_level")
    assert (change["old"], change["new"]) == ("Open weights (unrestricted)", "API access")
    assert change["record_url"] == "https://epoch.ai/data/ai-models"
    assert ATTRIBUTION in change["attribution"] and change["licence"] == "CC BY 4.0"


def _osai_project(folder: Path, classes: dict[str, str]) -> None:
    projects = folder / "projects"
    projects.mkdir(exist_ok=True)
    (projects / "Llama-4-Maverick.yaml").write_text(
        "project: {name: Llama 4 Maverick}\norg: {name: Meta}\n"
        + "".join(
            f"{name}:\n  class: {classes.get(name, 'open')}\n  link: https://example.org/{name}\n"
            for name in DIMENSIONS
        )
    )


MOT_MODEL = """framework: {{name: Model Openness Framework, version: '1.0', date: '2024-12-15'}}
release:
  name: Llama 4 Maverick
  version: 17B
  date: '2025-04-05'
  producer: Meta
  license: {{distribution: {{name: Llama 4 Community License, path: ''}}}}
  components:
    - {{name: 'Model parameters (Final)', description: 'Weights', license: {weights}}}
"""


def _mot_model(folder: Path, weights: str) -> None:
    (folder / "schema").mkdir(exist_ok=True)
    schema = shared_path("datasets", "mot", "schema", "mof_schema.json")
    (folder / "schema" / "mof_schema.json").write_bytes(schema.read_bytes())
    (folder / "models").mkdir(exist_ok=True)
    (folder / "models" / "Llama-4-Maverick.yml").write_text(MOT_MODEL.format(weights=weights))


@pytest.mark.slow
def test_a_components_licence_and_a_dimensions_class_are_announced_in_both_languages(
    tmp_path: Path,
) -> None:
    catalogue()
    _mot_model(tmp_path, "Apache-2.0")
    _osai_project(tmp_path, {})
    assert dataset_import(dataset="mot", source=str(tmp_path)).state == "ok"
    assert dataset_import(dataset="osai", source=str(tmp_path)).state == "ok"
    _mot_model(tmp_path, "'Llama 4 Community License'")
    _osai_project(tmp_path, {"llmdata": "partial"})
    assert dataset_import(dataset="mot", source=str(tmp_path)).changed == 1
    assert dataset_import(dataset="osai", source=str(tmp_path)).changed == 1

    texts = {
        language: {t.headline for t in services.EventTexts().get(ids, language)}
        for ids in [[event.pk for event in dataset_events()]]
        for language in ("en", "ja")
    }
    assert texts["en"] == {
        "Model Openness Tool now lists the Model parameters (Final) of Llama 4 Maverick under "
        "Llama 4 Community License; it listed Apache-2.0",
        "Open Source AI Index now rates Llama 4 Maverick partial on LLM training data; "
        "it rated it open",
    }
    assert texts["ja"] == {
        "Model Openness Toolは現在、Llama 4 MaverickのModel parameters (Final)のライセンスを"
        "「Llama 4 Community License」としています（以前は「Apache-2.0」）",  # noqa: RUF001
        "Open Source AI Indexは現在、Llama 4 MaverickのLLMの学習データを「部分的」と"
        "評価しています（以前の評価は「オープン」）",  # noqa: RUF001
    }


@pytest.mark.django_db(transaction=True)  # the worker is another process: it sees commits only
def test_through_the_worker_each_reader_gets_one_mail_however_often_it_is_imported_or_fanned_out(
    http_server: LocalHTTPServer, mail_worker: CeleryWorker, smtp: SMTPServer
) -> None:
    meta, maverick, openai = catalogue()
    dataset_reader("model@example.org", ai_model=maverick)
    dataset_reader("lab@example.org", company=meta)
    both = dataset_reader("both@example.org", ai_model=maverick)
    Subscription.objects.create(
        subscriber=both, company=meta, stance_changes=False, dataset_changes=True
    )
    dataset_reader("ja@example.org", company=meta, language="ja")
    dataset_reader("other-lab@example.org", company=openai)

    epoch_import(http_server, "v1", epoch_csv(access="Open weights (unrestricted)"))
    mail_worker.wait_until_idle()
    assert dataset_events() == [] and smtp.messages == []

    epoch_import(http_server, "v2", epoch_csv(access="API access"))
    smtp.wait_for(4)
    mail_worker.wait_until_idle()
    epoch_import(http_server, "v2-again", epoch_csv(access="API access"))
    [event] = dataset_events()
    tasks.event_fan_out.delay(event.pk)
    tasks.event_fan_out.delay(event.pk)
    tasks.deliveries_send.delay(event.pk)
    mail_worker.wait_until_idle()

    assert Counter(mail.to for mail in smtp.messages) == Counter(
        f"{reader}@example.org" for reader in ["model", "lab", "both", "ja"]
    )
    mails = {mail.to: mail for mail in smtp.messages}
    assert HEADLINE in mails["lab@example.org"].part("text/plain")
    assert HEADLINE_JA in mails["ja@example.org"].part("text/plain")
    assert Delivery.objects.filter(event=event).count() == 4


def test_a_reader_opts_in_to_dataset_changes_on_the_form_and_keeps_them_when_managing(
    client: Client, smtp: SMTPServer
) -> None:
    celery_app.control.purge()
    meta, _maverick, _openai = catalogue()
    assert b'value="dataset_changes"' in client.get("/labs/meta/").content
    data = {"email": "reader@example.org", "lab": "meta", "kinds": ["dataset_changes"]}
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/subscribe/", {**data, "frequency": "instant", "language": "en"})
    assert confirmations_send_queued() == 1
    link = re.search(
        r"http://testserver(/alerts/confirm/[^/\s]+/)", smtp.messages[0].part("text/plain")
    )
    assert link is not None and client.post(link.group(1)).status_code == 302

    subscription = Subscription.objects.get(company=meta)
    assert (subscription.stance_changes, subscription.dataset_changes) == (False, True)
    services.subscription_update(
        subscription=subscription, kinds=["dataset_changes"], frequency="daily"
    )
    assert Subscription.objects.get(pk=subscription.pk).dataset_changes


def test_the_events_are_written_in_the_imports_transaction(http_server: LocalHTTPServer) -> None:
    catalogue()
    epoch_import(http_server, "v1", epoch_csv(access="Open weights (unrestricted)"))

    with pytest.raises(RuntimeError), transaction.atomic():
        epoch_import(http_server, "v2", epoch_csv(access="API access"))
        assert len(dataset_events()) == 1
        raise RuntimeError("the import is rolled back")

    assert dataset_events() == [] and not ClaimChange.objects.exists()


def _outbox_queries(server: LocalHTTPServer, count: int) -> int:
    """The queries on the outbox's tables when ``count`` matched models change access."""
    lab = company_make(name=f"Lab of {count}", slug=f"lab-of-{count}")
    names = [f"Model {count}-{n}" for n in range(count)]
    for name in names:
        model_make(developer=lab, name=name)

    def rows(access: str) -> bytes:
        lines = [f"{name},{lab.name},2024-01-01,,{access},,," for name in names]
        return (HEADER + "\n".join(lines) + "\n").encode()

    epoch_import(server, f"{count}-v1", rows("Unreleased"))
    with CaptureQueriesContext(connection) as queries:
        epoch_import(server, f"{count}-v2", rows("API access"))
    assert Event.objects.filter(kind=EventKind.DATASET_CHANGE, company=lab).count() == count
    return len([q for q in queries.captured_queries if "alerts_event" in q["sql"]])


@pytest.mark.slow
def test_the_outbox_writes_a_batch_of_changes_in_the_same_queries_for_2_or_12(
    http_server: LocalHTTPServer,
) -> None:
    assert _outbox_queries(http_server, 2) == _outbox_queries(http_server, 12)
