"""The editors' one review queue: article suggestions and watched pages' changes side by side,
each decided on its own page and leading back to the queue; accepting a page change there makes
the draft act citing the watched page and the "policy changed" event, as the watch's own list
does."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from apps.accounts import views
from apps.alerts.models import Event, EventKind
from apps.claims.models import EditorialState, StatementKind
from apps.ingest.models import Article, Feed, Suggestion, SuggestionState
from apps.watch.models import Review, WatchSnapshot
from tests.factories import company_make, model_make
from tests.support.watches import page_change_make

pytestmark = pytest.mark.django_db

QUEUE = "/admin/review-queue/"
DAY = datetime.timedelta(days=1)
BEFORE = "Anyone may download the weights and use them for any purpose, commercial or not."
AFTER = "Only approved researchers may download the weights, for research and nothing else."


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def suggestion_make(lab: Any, sentence: str, *, at: datetime.datetime) -> Suggestion:
    feed, _created = Feed.objects.get_or_create(url="https://feeds.example/queue.xml")
    article = Article.objects.create(
        url=f"https://news.example/{abs(hash(sentence))}",
        title=f"Report: {sentence[:40]}",
        content_hash=f"{abs(hash(sentence)):064d}"[:64],
        raw=b"",
        feed=feed,
        text=sentence,
        language="en",
    )
    suggestion = Suggestion.objects.create(
        article=article,
        sentence=sentence,
        sentence_hash=f"{abs(hash(sentence)):064d}"[:64],
        company=lab,
        stance="leaning_closed",
        score=0.75,
    )
    Suggestion.objects.filter(pk=suggestion.pk).update(created_at=at)
    return suggestion


def proposal(suggestion: Suggestion) -> dict[str, Any]:
    """The suggestion's review form as it stands."""
    return {"company": suggestion.company_id, "stance": suggestion.stance, "kind": ""}


def rows(html: str) -> list[tuple[str, str]]:
    """(kind, id) of each row of the queue, in order."""
    return re.findall(r'data-kind="(\w+)" data-id="(\d+)"', html)


@pytest.fixture
def waiting() -> dict[str, Any]:
    """A lab with an older article suggestion and a newer page change, and decided ones."""
    lab = company_make(name="Meta", slug="meta")
    llama = model_make(developer=lab, name="Llama 4", slug="llama-4")
    now = timezone.now()
    suggestion = suggestion_make(lab, "Meta will keep some models closed.", at=now - 2 * DAY)
    decided = suggestion_make(lab, "Meta opened a model.", at=now - DAY)
    Suggestion.objects.filter(pk=decided.pk).update(
        state=SuggestionState.REJECTED, reject_reason="Not a statement."
    )
    change = page_change_make(
        url="https://lab.example/licence",
        title="Llama licence",
        before=BEFORE,
        after=AFTER,
        lab=lab,
        ai_models=[llama],
        changed_at=now - DAY / 2,
    )
    return {"lab": lab, "llama": llama, "suggestion": suggestion, "change": change}


def test_one_queue_lists_what_waits_of_both_kinds_newest_first(
    editor: User, waiting: dict[str, Any]
) -> None:
    response = logged_in(editor).get(QUEUE)

    assert response.status_code == 200
    html = response.content.decode()
    assert rows(html) == [
        ("page_change", str(waiting["change"].pk)),
        ("suggestion", str(waiting["suggestion"].pk)),
    ], "the rejected suggestion and the baseline reading do not wait"
    assert "Llama licence" in html and "Llama 4" in html and "Meta" in html
    assert "+ Only approved researchers" in html, "the words that changed"
    assert "Meta will keep some models closed." in html
    change_page = reverse("admin:watch_watchsnapshot_change", args=[waiting["change"].pk])
    assert f'href="{change_page}?next=%2Fadmin%2Freview-queue%2F"' in html
    # Every admin page links the queue with its count.
    index = logged_in(editor).get(reverse("admin:index")).content.decode()
    assert f'href="{QUEUE}"' in index and "Review queue (2)" in index


def test_the_queue_shows_one_kind_and_pages_through_the_union(
    editor: User, waiting: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = logged_in(editor)
    only = rows(client.get(QUEUE, {"kind": "page_change"}).content.decode())
    assert only == [("page_change", str(waiting["change"].pk))]

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 1)
    first = rows(client.get(QUEUE).content.decode())
    second = client.get(QUEUE, {"page": 2}).content.decode()
    assert first + rows(second) == [
        ("page_change", str(waiting["change"].pk)),
        ("suggestion", str(waiting["suggestion"].pk)),
    ]
    assert "page 2 of 2" in second


def test_staff_without_a_role_may_not_open_the_queue(reader: User) -> None:
    assert logged_in(reader).get(QUEUE).status_code == 403
    assert "Review queue" not in logged_in(reader).get(reverse("admin:index")).content.decode()


@pytest.mark.slow
def test_an_editor_accepts_a_page_change_from_the_queue_as_a_draft_act(
    editor: User, waiting: dict[str, Any], settings: SettingsWrapper
) -> None:
    settings.SITE_URL = "http://testserver"
    change: WatchSnapshot = waiting["change"]
    client = logged_in(editor)
    page_url = reverse("admin:watch_watchsnapshot_change", args=[change.pk]) + f"?next={QUEUE}"
    page = client.get(page_url).content.decode()
    assert "<ins>Only approved researchers</ins>" in page, "the word diff"
    assert "<del>Anyone</del>" in page
    assert 'name="_accept"' in page and "Llama 4" in page

    response = client.post(page_url, {"_accept": "1", "stance": "leaning_closed", "summary": ""})

    assert response.status_code == 302 and response["Location"] == QUEUE
    change.refresh_from_db()
    assert change.review == Review.ACCEPTED
    statement = change.statement
    assert statement is not None
    assert (statement.kind, statement.state) == (StatementKind.ACTION, EditorialState.DRAFT)
    assert (statement.company, statement.stance) == (waiting["lab"], "leaning_closed")
    assert list(statement.ai_models.all()) == [waiting["llama"]]
    citation = statement.citations.get()
    assert citation.source.url == "https://lab.example/licence"
    assert f"(snapshot {change.pk})" in citation.excerpt
    assert "approved researchers" in citation.excerpt
    assert citation.source.snapshot_text == BEFORE, "archived from the first reading"
    [event] = Event.objects.filter(kind=EventKind.PAGE_CHANGE)
    assert (event.page_change, event.statement) == (change, statement)
    # Out of the queue; the suggestion still waits.
    assert rows(client.get(QUEUE).content.decode()) == [
        ("suggestion", str(waiting["suggestion"].pk))
    ]
    # Decided, its page only shows the decision.
    assert 'name="_accept"' not in client.get(page_url).content.decode()


def test_a_rejected_page_change_tells_nobody_and_leaves_the_queue(
    editor: User, waiting: dict[str, Any]
) -> None:
    change: WatchSnapshot = waiting["change"]
    page_url = reverse("admin:watch_watchsnapshot_change", args=[change.pk]) + f"?next={QUEUE}"

    response = logged_in(editor).post(page_url, {"_reject": "1", "stance": "mixed"})

    assert response["Location"] == QUEUE
    change.refresh_from_db()
    assert (change.review, change.statement) == (Review.REJECTED, None)
    assert not Event.objects.filter(kind=EventKind.PAGE_CHANGE).exists()


def test_a_page_change_without_a_lab_is_refused_and_stays_in_the_queue(editor: User) -> None:
    change = page_change_make(url="https://lab.example/aup", before=BEFORE, after=AFTER)
    page_url = reverse("admin:watch_watchsnapshot_change", args=[change.pk])
    client = logged_in(editor)
    assert "names no lab" in client.get(page_url).content.decode()

    response = client.post(page_url, {"_accept": "1", "stance": "mixed"}, follow=True)

    assert "Name the lab" in response.content.decode()
    change.refresh_from_db()
    assert change.review == Review.PENDING and change.statement is None


def test_the_decision_never_leads_to_another_host(editor: User, waiting: dict[str, Any]) -> None:
    suggestion = waiting["suggestion"]
    page_url = reverse("admin:ingest_suggestion_change", args=[suggestion.pk])
    client = logged_in(editor)
    form = {**proposal(suggestion), "_reject": "1", "reason": "Noise."}
    response = client.post(f"{page_url}?next=//evil.example/", form)
    suggestions = reverse("admin:ingest_suggestion_changelist")
    assert response["Location"] == f"{suggestions}?state__exact=pending"

    change_url = reverse("admin:watch_watchsnapshot_change", args=[waiting["change"].pk])
    response = client.post(f"{change_url}?next=https://evil.example/", {"_reject": "1"})
    changes = reverse("admin:watch_watchsnapshot_changelist")
    assert response["Location"] == f"{changes}?review__exact=pending"


def test_a_suggestion_decided_from_the_queue_leads_back_to_it(
    editor: User, waiting: dict[str, Any]
) -> None:
    suggestion = waiting["suggestion"]
    page_url = reverse("admin:ingest_suggestion_change", args=[suggestion.pk]) + f"?next={QUEUE}"
    client = logged_in(editor)
    response = client.post(page_url, {**proposal(suggestion), "_accept": "1"})

    assert response.status_code == 302 and response["Location"] == QUEUE
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.ACCEPTED


def test_the_queue_speaks_japanese_to_a_japanese_browser(
    editor: User, waiting: dict[str, Any]
) -> None:
    html = logged_in(editor).get(QUEUE, headers={"accept-language": "ja"}).content.decode()
    assert "<h1>レビュー待ち</h1>" in html
    assert "判断を待つ項目が 2 件あります" in html
    change_page = reverse("admin:watch_watchsnapshot_change", args=[waiting["change"].pk])
    page = logged_in(editor).get(change_page, headers={"accept-language": "ja"}).content.decode()
    assert "採用: 行為の下書きを作る" in page and "行為のスタンス" in page
