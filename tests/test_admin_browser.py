"""The admin on a 1366 x 768 screen, in a real Chromium.

Each list fits without sideways scrolling, with the column that says where a row stands (its
state or status) in view; the rows carry the longest values the lists meet in practice: long
titles and sentences, long URLs without a space to break at, long addresses and error
messages. A reviewer publishes through the confirmation page and decides a suggestion on its
own page, under the Content Security Policy.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from apps.alerts.models import Delivery, Event, Subscriber
from apps.catalog.models import Company
from apps.claims.models import Commitment, OutcomeSuggestion, Statement
from apps.datasets.models import Dataset, DatasetClaim, DatasetRecord
from apps.ingest.models import Article, ArticleURL, Feed, Suggestion
from tests.factories import publisher_make, source_make, statement_make
from tests.support.screenshots import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = {"width": 1366, "height": 768}
PASSWORD = "correct horse"
LONG_URL = (
    "https://www.example-newsroom.com/technology/artificial-intelligence/2025/07/14/"
    "meta-superintelligence-labs-weighs-closed-models-behemoth?utm_source=feed&ref=frontpage"
)
LONG_SENTENCE = (
    "Members of Meta Superintelligence Labs have discussed abandoning Meta's most powerful "
    "open-source model, Behemoth, in favour of developing a closed model, people familiar "
    "with the matter said, in a shift that would mark a change in the company's philosophy."
)


@dataclass(frozen=True)
class AdminList:
    name: str
    url_name: str
    # The column that says where a row stands, if the list has one.
    state_column: str | None


LISTS = [
    AdminList("statements", "admin:claims_statement_changelist", "state"),
    AdminList("commitments", "admin:claims_commitment_changelist", "status"),
    AdminList("outcome suggestions", "admin:claims_outcomesuggestion_changelist", "state"),
    AdminList("suggestions", "admin:ingest_suggestion_changelist", "state"),
    AdminList("articles", "admin:ingest_article_changelist", None),
    AdminList("article URLs", "admin:ingest_articleurl_changelist", "state"),
    AdminList("sources", "admin:catalog_source_changelist", None),
    AdminList("dataset records", "admin:datasets_datasetrecord_changelist", None),
    AdminList("dataset claims", "admin:datasets_datasetclaim_changelist", None),
    AdminList("subscribers", "admin:alerts_subscriber_changelist", "status"),
    AdminList("deliveries", "admin:alerts_delivery_changelist", "status"),
]


def long_rows() -> None:
    lab = Company.objects.get(slug="meta-superintelligence-labs")
    newsroom = "The Example Newsroom and Evening Chronicle"
    publisher = publisher_make(name=newsroom, domain="x.example")
    source = source_make(url=LONG_URL, title=LONG_SENTENCE, publisher=publisher, language="en")
    for state_index in range(3):
        statement = statement_make(
            company=lab,
            summary=LONG_SENTENCE,
            kind="unnamed_report",
            stance="leaning_closed",
            verification="reported",
            publish=state_index == 0,
            quote="It would mark a change in the company's philosophy.",
            quote_language="en",
        )
        statement.citations.create(source=source, excerpt=LONG_SENTENCE)
    feed = Feed.objects.create(url=LONG_URL + "&feed=rss", title="")
    article = Article.objects.create(
        url=source.url,  # both canonical, as ingestion stores them
        title=LONG_SENTENCE,
        site_name=newsroom,
        content_hash="a" * 64,
        raw=b"",
        feed=feed,
        language="en",
        text=LONG_SENTENCE,
        published_at=timezone.now(),
    )
    ArticleURL.objects.create(
        url=LONG_URL + "&copy=2",
        article=article,
        feed=feed,
        state="failed",
        last_error="The server answered 503 Service Unavailable three times in a row; gave up "
        "after the last attempt. " * 2,
    )
    # The seeded promise, with a long act proposed to decide it.
    OutcomeSuggestion.objects.create(
        commitment=Commitment.objects.get(statement__import_key="meta-2025-spokesperson-reply"),
        act_statement=Statement.objects.get(import_key="meta-2025-llama-4-release"),
        outcome="kept",
        rationale=LONG_SENTENCE,
    )
    Suggestion.objects.create(
        article=article,
        sentence=LONG_SENTENCE,
        sentence_hash="s" * 64,
        company=lab,
        kind="unnamed_report",
        stance="leaning_closed",
        score=0.8731,
        speaker_label="people familiar with the matter",
    )
    # Made by the datasets' data migration; a transactional test before this one flushed it.
    dataset, _created = Dataset.objects.get_or_create(
        key="epoch", defaults={"name": "Epoch AI: Data on AI models"}
    )
    record = DatasetRecord.objects.create(
        dataset=dataset,
        key="Llama 4 Behemoth (2T, mixture of experts, preview checkpoint)",
        version="2025-07-14T08:00:00Z sha256:0f3a9c1e5b7d",
        read_at=timezone.now(),
        raw={},
        content_hash="b" * 64,
        upstream_url=LONG_URL + "&record=rec0123456789abcdef0123456789",
        company=lab,
    )
    DatasetClaim.objects.create(
        record=record,
        field="licence:training_code",
        value="Llama 4 Community License Agreement (custom, with acceptable use policy)",
        evidence_url=LONG_URL + "&evidence=model-card",
    )
    subscriber = Subscriber.objects.create(
        email="newsroom-alerts+meta-superintelligence-labs@example-newsroom-and-chronicle.com",
        confirmed_at=timezone.now() - datetime.timedelta(days=3),
        bounced_at=timezone.now(),
        bounce_reason="550 5.1.1 The email account that you tried to reach does not exist. "
        "Please try double-checking the recipient's email address for typos.",
    )
    event = Event.objects.filter(company=lab).first()
    assert event is not None
    Delivery.objects.create(
        event=event,
        subscriber=subscriber,
        status="failed",
        attempts=5,
        last_error="SMTP 451 4.7.1 Try again later: the receiving server greylisted us; "
        "the last of five attempts failed. " * 2,
    )


@pytest.fixture
def admin_live(transactional_db: None, live_server: Any) -> str:
    cache.clear()  # the login throttle's counters
    call_command("seed", verbosity=0)
    long_rows()
    User.objects.create_superuser("sam", "sam@example.org", PASSWORD)
    return str(live_server.url)


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    """A tab that fails the test on any CSP refusal or page error it logged."""
    context = browser.new_context(viewport=SCREEN, locale="en-GB")
    page = context.new_page()
    complaints: list[str] = []
    page.on("pageerror", lambda error: complaints.append(f"{page.url}: page error: {error}"))
    page.on(
        "console",
        lambda message: (
            complaints.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert complaints == []


def _log_in(tab: Any, base: str) -> None:
    tab.goto(f"{base}{reverse('admin:login')}?next={reverse('admin:index')}")
    tab.fill("#id_username", "sam")
    tab.fill("#id_password", PASSWORD)
    tab.click("#login-form input[type=submit]")
    expect(tab.locator("#user-tools")).to_be_visible()


MEASURE = """(column) => {
  const results = document.querySelector('#changelist .results');
  const header = column ? document.querySelector('#result_list th.column-' + column) : null;
  return {
    pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
    tableOverflow: results ? results.scrollWidth - results.clientWidth : null,
    rows: document.querySelectorAll('#result_list tbody tr').length,
    stateRight: header ? header.getBoundingClientRect().right : null,
    // What the reader sees of the table: its scrolling box, within the window.
    visibleRight: Math.min(window.innerWidth, results ? results.getBoundingClientRect().right : 0),
  };
}"""


def test_every_admin_list_fits_a_1366_pixel_screen_with_its_state_in_view(
    admin_live: str, tab: Any
) -> None:
    _log_in(tab, admin_live)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for admin_list in LISTS:
        # Every row, whatever the list opens on (the suggestion queue opens on pending ones).
        tab.goto(f"{admin_live}{reverse(admin_list.url_name)}?o=1")
        figures = tab.evaluate(MEASURE, admin_list.state_column)
        slug = admin_list.name.replace(" ", "-")
        tab.screenshot(path=str(SCREENSHOTS / f"admin-list-{slug}-1366.png"))
        assert figures["rows"] > 0, f"{admin_list.name}: no rows to measure"
        if figures["pageOverflow"] > 0 or (figures["tableOverflow"] or 0) > 0:
            problems.append(f"{admin_list.name} scrolls sideways: {figures}")
        if admin_list.state_column is not None:
            right = figures["stateRight"]
            if right is None or right > figures["visibleRight"]:
                column = admin_list.state_column
                problems.append(f"{admin_list.name}: {column} not in view: {figures}")
    assert problems == []


def test_a_reviewer_sees_the_stance_before_and_after_then_publishes(
    admin_live: str, tab: Any
) -> None:
    draft = Statement.objects.filter(state="draft", company__slug="meta-superintelligence-labs")
    chosen = draft.order_by("pk").first()
    assert chosen is not None
    _log_in(tab, admin_live)
    tab.goto(f"{admin_live}{reverse('admin:claims_statement_changelist')}?state__exact=draft")
    tab.locator(f'input[name="_selected_action"][value="{chosen.pk}"]').check()
    tab.select_option("select[name=action]", "publish_selected")
    tab.get_by_role("button", name="Run").click()

    expect(tab.locator("h1")).to_have_text("Publish statements")
    expect(tab.locator(".publish-effect h2")).to_have_text("Meta Superintelligence Labs")
    expect(tab.locator("td.stance-before")).not_to_be_empty()
    expect(tab.locator("td.stance-after")).not_to_be_empty()
    tab.screenshot(path=str(SCREENSHOTS / "admin-publish-confirm-1366.png"), full_page=True)
    assert Statement.objects.get(pk=chosen.pk).state == "draft"

    tab.get_by_role("button", name="Confirm: publish").click()
    expect(tab.locator(".messagelist")).to_contain_text("1 statement published.")
    assert Statement.objects.get(pk=chosen.pk).state == "published"


def test_an_editor_rejects_a_covered_suggestion_on_its_page(admin_live: str, tab: Any) -> None:
    suggestion = Suggestion.objects.get(sentence=LONG_SENTENCE)
    _log_in(tab, admin_live)
    tab.goto(admin_live + reverse("admin:ingest_suggestion_change", args=[suggestion.pk]))
    expect(tab.locator(".suggestion-excerpt mark")).to_have_text(LONG_SENTENCE)
    # A published statement of the lab cites a source at the article's URL.
    expect(tab.locator(".covered-note")).to_contain_text("Already covered")
    expect(tab.get_by_label("Stance guess")).to_have_value("leaning_closed")
    tab.screenshot(path=str(SCREENSHOTS / "admin-suggestion-review-1366.png"), full_page=True)

    tab.get_by_role("button", name="Reject").click()
    expect(tab.locator(".errorlist")).to_contain_text("Say why the suggestion is rejected.")
    tab.get_by_label("Why is this not a statement?").fill("Already on the record.")
    tab.get_by_role("button", name="Reject").click()
    expect(tab.locator(".messagelist")).to_contain_text("Rejected.")
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.reject_reason) == ("rejected", "Already on the record.")
