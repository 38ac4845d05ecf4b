"""The admin pages an editor uses for watches, in a real Chromium under the Content Security
Policy: the watched pages, a change's word diff, the link-rot queue with "Mark as seen", and a
page change accepted from the one review queue as a draft act."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from apps.alerts.models import Event, EventKind
from apps.claims.models import EditorialState, StatementKind
from apps.watch.diff import words_diff
from apps.watch.models import LinkState, Review, SourceCheck, WatchSnapshot
from tests.factories import company_make, model_make, source_make
from tests.support.browser import strict_tab
from tests.support.screenshots import SCREENSHOTS
from tests.support.watches import page_change_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse"
BEFORE = "Anyone may download the weights and use them for any purpose, commercial or not."
AFTER = "Only approved researchers may download the weights, for research and nothing else."
CITED = "The model card lists every dataset the model was trained on, with links to each."
NOW = "The model card lists the datasets in general terms only."


@pytest.fixture
def editor_live(live_server: Any, editor: User) -> str:
    cache.clear()  # the login throttle's counters
    editor.set_password(PASSWORD)
    editor.save()
    return str(live_server.url)


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    with strict_tab(browser) as page:
        yield page


def log_in(tab: Any, base: str, user: User) -> None:
    tab.goto(f"{base}{reverse('admin:login')}?next={reverse('admin:index')}")
    tab.fill("#id_username", user.get_username())
    tab.fill("#id_password", PASSWORD)
    tab.click("#login-form input[type=submit]")
    expect(tab.locator("#user-tools")).to_be_visible()


def test_an_editor_follows_a_watch_reads_its_diff_and_accepts_the_change_from_the_queue(
    editor_live: str, editor: User, tab: Any
) -> None:
    lab = company_make(name="Meta", slug="meta")
    llama = model_make(developer=lab, name="Llama 4", slug="llama-4")
    change = page_change_make(
        url="https://lab.example/licence",
        title="Llama licence",
        before=BEFORE,
        after=AFTER,
        lab=lab,
        ai_models=[llama],
    )
    log_in(tab, editor_live, editor)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The watched pages, and a watch's history of readings.
    tab.goto(editor_live + reverse("admin:watch_watch_changelist"))
    tab.get_by_role("link", name="Llama licence").click()
    expect(tab.locator("h2", has_text="page changes")).to_be_visible()
    tab.locator(".inline-related a.inlinechangelink").first.click()  # the newest reading

    # The change's own page: the word diff drawn, the lab and model named.
    expect(tab.locator("h1")).to_have_text("Review a page change")
    expect(tab.locator(".word-diff ins").first).to_have_text("Only approved researchers")
    expect(tab.locator(".word-diff del").first).to_have_text("Anyone")
    expect(tab.locator(".field-concerned_models")).to_contain_text("Llama 4")
    inserted = tab.locator(".word-diff ins").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    assert inserted == "underline"
    tab.screenshot(path=str(SCREENSHOTS / "admin-page-change.png"), full_page=True)

    # The one review queue: the change waits there beside the article suggestions.
    tab.get_by_role("link", name="Review queue (1)").click()
    row = tab.locator("#review-queue tr.queue-page_change")
    expect(row).to_contain_text("page change")
    expect(row).to_contain_text("Llama 4")
    expect(row).to_contain_text("+ Only approved researchers")
    tab.screenshot(path=str(SCREENSHOTS / "admin-review-queue.png"), full_page=True)
    row.get_by_role("link", name="Llama licence").click()
    tab.get_by_label("Stance of the act").select_option("leaning_closed")
    tab.get_by_role("button", name="Accept: make a draft act").click()

    expect(tab.locator("h1")).to_have_text("Review queue")
    expect(tab.locator(".messagelist")).to_contain_text("Accepted: a draft act")
    expect(tab.locator(".review-queue-empty")).to_be_visible()
    change.refresh_from_db()
    statement = change.statement
    assert change.review == Review.ACCEPTED and statement is not None
    assert (statement.kind, statement.state) == (StatementKind.ACTION, EditorialState.DRAFT)
    assert statement.stance == "leaning_closed"
    assert statement.citations.get().source.url == "https://lab.example/licence"
    assert Event.objects.filter(kind=EventKind.PAGE_CHANGE, page_change=change).count() == 1

    tab.locator(".messagelist").get_by_role("link", name="a draft act").click()
    expect(tab.locator("#id_kind")).to_have_value(StatementKind.ACTION.value)
    assert WatchSnapshot.objects.filter(review=Review.PENDING).count() == 0


def test_an_editor_reads_the_link_rot_queue_and_marks_a_source_as_seen(
    editor_live: str, editor: User, tab: Any
) -> None:
    now = timezone.now()
    diff, ratio = words_diff(CITED, NOW)
    changed = SourceCheck.objects.create(
        source=source_make(url="https://lab.example/model-card", title="Model card"),
        state=LinkState.CHANGED,
        diff=diff,
        change_ratio=ratio,
        checked_at=now,
        changed_at=now,
    )
    alive = SourceCheck.objects.create(
        source=source_make(url="https://lab.example/blog", title="Blog post"),
        state=LinkState.ALIVE,
        checked_at=now,
    )
    log_in(tab, editor_live, editor)

    tab.goto(editor_live + reverse("admin:watch_sourcecheck_changelist"))
    rows = tab.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)  # what needs attention, not the live source
    expect(rows.first).to_contain_text("changed since cited")
    rows.first.locator("th a").click()
    expect(tab.locator(".word-diff del").first).to_contain_text("every dataset")
    expect(tab.locator(".word-diff ins").first).to_contain_text("datasets in general terms")
    tab.go_back()

    tab.locator(f'input[name="_selected_action"][value="{changed.pk}"]').check()
    tab.select_option("select[name=action]", "acknowledge_selected")
    tab.get_by_role("button", name="Run").click()

    expect(tab.locator(".messagelist")).to_contain_text("1 source marked as seen.")
    expect(tab.locator("#result_list tbody tr")).to_have_count(0)
    changed.refresh_from_db()
    alive.refresh_from_db()
    assert changed.acknowledged_at is not None and alive.acknowledged_at is None
