"""Text that people type or pages bring in cannot reorder the page around it nor bloat it.

Direction: a right-to-left override (U+202E) in a lab's name or a quote turns the rest of its
line around ("Spokesperson" shows as "nosrepsekopS") unless the text is isolated: <bdi> or
dir="auto" in HTML, U+2068 ... U+2069 in plain text (a <title>, a mail subject, a feed title).
Length: lists show long texts shortened, so one long summary cannot make a page heavy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from apps.alerts.mails import alert_mail
from apps.alerts.models import Event, Subscriber
from apps.alerts.render import event_text, events_for_render
from apps.claims.models import SUMMARY_MAX, Statement
from tests.factories import company_make, model_make, statement_make

RLO = "\u202e"
FSI, PDI = "\u2068", "\u2069"
NAME = f"Orbit {RLO}sbaL"
QUOTE = f"We will keep {RLO}nepo sledom"
SPEAKER = "Spokesperson for the company"


@pytest.fixture
def overriding_lab(db: None) -> Statement:
    lab = company_make(name=NAME, slug="orbit")
    model = model_make(developer=lab, name=f"Comet {RLO}1", slug="comet")
    statement = statement_make(
        company=lab,
        publish=True,
        speaker_label=SPEAKER,
        quote=QUOTE,
        quote_language="en",
        summary=f"Orbit says {RLO}it stays open",
    )
    statement.ai_models.add(model)
    return statement


@pytest.mark.django_db
def test_the_pages_isolate_a_name_and_a_quote_that_carry_an_override(
    client: Client, overriding_lab: Statement
) -> None:
    home = client.get("/").content.decode()
    assert f'<th scope="row" dir="auto"><a href="/labs/orbit/">{NAME}</a></th>' in home
    assert f'<bdi><a href="/labs/orbit/">{NAME}</a></bdi> · <bdi>{SPEAKER}</bdi>' in home
    assert f'<blockquote lang="en" dir="auto">{QUOTE}</blockquote>' in home
    assert f'<bdi><a href="/models/comet/">Comet {RLO}1</a></bdi>' in home

    lab = client.get("/labs/orbit/").content.decode()
    assert f"<title>{FSI}{NAME}{PDI}: how open is it? — Aperture</title>" in lab
    assert f'title="{FSI}{NAME}{PDI}"' in lab, "the feed link's title attribute"

    statement = client.get(overriding_lab.get_absolute_url()).content.decode()
    assert f"<h1>{FSI}{NAME}{PDI}: " in statement
    assert f'<p class="breadcrumb"><bdi><a href="/labs/orbit/">{NAME}</a></bdi></p>' in statement


@pytest.mark.django_db
def test_a_left_to_right_name_is_left_as_it_is(client: Client) -> None:
    statement_make(company=company_make(name="Plain Lab", slug="plain"), publish=True)
    lab = client.get("/labs/plain/").content.decode()
    assert "<title>Plain Lab: how open is it? — Aperture</title>" in lab
    assert FSI not in lab and PDI not in lab


def _mail_for(statement: Statement) -> Any:
    subscriber = Subscriber.objects.create(email="reader@example.com", language="en")
    ids = list(Event.objects.filter(company=statement.company).values_list("pk", flat=True))
    with translation.override("en"):
        texts = [event_text(event) for event in events_for_render(ids)]
    return alert_mail(subscriber=subscriber, texts=texts, digest=len(texts) > 1)


@pytest.mark.django_db
def test_the_alert_mail_and_the_feed_isolate_the_name_inside_their_headlines(
    client: Client, overriding_lab: Statement
) -> None:
    mail = _mail_for(overriding_lab)
    html = mail.alternatives[0].content
    assert f"{FSI}{NAME}{PDI}: new statement" in html
    assert f"“<bdi>{QUOTE}</bdi>”" in html
    assert f"{FSI}{NAME}{PDI}: new statement" in mail.body
    assert f"“{FSI}{QUOTE}{PDI}”" in mail.body

    feed = client.get("/feeds/labs/orbit.atom").content.decode()
    assert f"<title>{FSI}{NAME}{PDI}: new statement" in feed


# The left edges of the first and the last character of `word` where it first occurs in the
# element: in reading order, the first is left of the last.
CHARACTER_EDGES = """([selector, word]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(word);
    if (at < 0) continue;
    const left = (i) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect().left;
    };
    return [left(at), left(at + word.length - 1)];
  }
  return null;
}"""


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield context.new_page()
    context.close()


def _reads_left_to_right(tab: Any, selector: str, word: str) -> bool:
    edges = tab.evaluate(CHARACTER_EDGES, [selector, word])
    assert edges is not None, f"{word!r} is not in {selector}"
    first, last = edges
    return bool(first < last)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_the_words_after_an_overriding_name_keep_their_order(
    live_server: Any, tab: Any
) -> None:
    lab = company_make(name=NAME, slug="orbit")
    statement = statement_make(
        company=lab, publish=True, speaker_label=SPEAKER, quote=QUOTE, quote_language="en"
    )
    tab.goto(f"{live_server.url}/")
    assert _reads_left_to_right(tab, f"#statement-{statement.pk} .speaker", "Spokesperson")

    tab.set_content(_mail_for(statement).alternatives[0].content)
    assert _reads_left_to_right(tab, "body", "new statement")


@pytest.mark.slow
@pytest.mark.django_db
def test_one_very_long_summary_does_not_make_the_lists_heavy(client: Client) -> None:
    """A summary written before the limit (or past it) is shortened wherever it is listed."""
    lab = company_make(name="Long Lab", slug="long")
    model = model_make(developer=lab, slug="long-model")
    statement = statement_make(
        company=lab, publish=True, summary="short words", quote="a quote", quote_language="en"
    )
    statement.ai_models.add(model)
    pages = ["/", "/labs/long/", "/models/long-model/", "/search/?q=words"]
    before = {page: len(client.get(page).content) for page in pages}

    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no pending check
        for name in ["statement_summary_length", "statement_quote_length"]:
            cursor.execute(f"ALTER TABLE claims_statement DROP CONSTRAINT {name}")
    Statement.objects.filter(pk=statement.pk).update(
        summary="short words " + "x" * 50_000, quote="a quote " + "y" * 50_000
    )
    for page in pages:
        grown = len(client.get(page).content) - before[page]
        assert grown < 2_000, f"{page} grew by {grown} bytes"
    detail = client.get(statement.get_absolute_url()).content
    assert detail.count(b"x" * SUMMARY_MAX) >= 1, "the statement's own page shows it all"
