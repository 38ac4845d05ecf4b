"""Cited sources are archived when first cited, then checked for link rot, against a local server
that changes, moves and deletes pages and answers 304 and 429."""

from __future__ import annotations

import datetime
import zlib
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from apps.catalog.models import Source
from apps.claims import services as claims_services
from apps.watch.models import LinkState, SourceCheck
from apps.watch.services.sources import sources_check
from tests.factories import company_make, source_make
from tests.support.httpserver import LocalHTTPServer, RecordedRequest, Response
from tests.watch.pages import PARAGRAPHS, page

pytestmark = pytest.mark.django_db


def cite(source: Source, *, publish: bool = False) -> None:
    statement = claims_services.statement_create(
        user=None,
        company=company_make(),
        kind="official",
        stance="open",
        occurred_on=datetime.date(2025, 7, 14),
        summary="The lab publishes its weights.",
        speaker_label="Spokesperson",
        citations=[(source, "")],
    )
    if publish:
        claims_services.statement_publish(statement=statement, user=None)


def cited_source(server: LocalHTTPServer, path: str = "/licence") -> Source:
    source = source_make(url=server.url(path), title="Model licence")
    cite(source)
    return source


def check_now(source: Source) -> SourceCheck:
    """Run the checks of every source, as if its due time had come."""
    SourceCheck.objects.filter(source=source).update(next_check_at=timezone.now())
    sources_check(budget_seconds=30)
    return SourceCheck.objects.get(source=source)


def test_a_source_cited_for_the_first_time_is_archived_with_its_raw_response(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/licence", body=page())
    source = cited_source(http_server)
    check = SourceCheck.objects.get(source=source)
    assert check.next_check_at <= timezone.now()  # due at once: nothing archived yet

    sources_check(budget_seconds=30)

    source.refresh_from_db()
    assert PARAGRAPHS[0] in source.snapshot_text
    assert "Contact us" not in source.snapshot_text
    assert len(source.snapshot_hash) == 64
    assert source.snapshot_status == 200
    assert source.snapshot_final_url == http_server.url("/licence")
    assert zlib.decompress(bytes(source.snapshot_raw)) == page()
    assert source.snapshot_retrieved_at is not None
    check.refresh_from_db()
    assert check.state == LinkState.ALIVE
    week_later = timezone.now() + datetime.timedelta(days=7)
    assert timezone.now() < check.next_check_at <= week_later


def test_citing_queues_the_archive_only_where_the_network_may_be_used(
    settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WATCH_SYNC = False
    with django_capture_on_commit_callbacks() as callbacks:
        cite(source_make())
    assert callbacks == []
    settings.WATCH_SYNC = True
    with django_capture_on_commit_callbacks() as callbacks:
        cite(source_make())
    assert len(callbacks) == 1


def test_checks_find_a_page_alive_changed_moved_and_gone(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/licence", body=page())
    source = cited_source(http_server)
    sources_check(budget_seconds=30)
    archived = Source.objects.get(pk=source.pk).snapshot_text

    http_server.route("/licence", body=page(wrapper="section", extra="<aside></aside>"))
    assert check_now(source).state == LinkState.ALIVE  # new markup, the same words

    changed = [*PARAGRAPHS[:2], "Services of any size may use the model without asking."]
    http_server.route("/licence", body=page(changed))
    check = check_now(source)
    assert check.state == LinkState.CHANGED
    added = " ".join(text for op, text in check.diff if op == "+")
    removed = " ".join(text for op, text in check.diff if op == "-")
    assert "any size" in added
    assert "seven hundred million" in removed and "seven hundred million" not in added

    http_server.route("/new-licence", body=page())
    http_server.redirect("/licence", http_server.url("/new-licence"), status=301)
    check = check_now(source)
    assert check.state == LinkState.MOVED
    assert check.moved_to == http_server.url("/new-licence")

    http_server.route("/licence", status=410, body=b"gone")
    assert check_now(source).state == LinkState.GONE
    http_server.route("/licence", status=404, body=b"not found")
    assert check_now(source).state == LinkState.GONE
    assert Source.objects.get(pk=source.pk).snapshot_text == archived  # never loses its archive


def test_an_unchanged_page_answers_304_to_the_conditional_get_and_nothing_is_written(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    def licence(request: RecordedRequest) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(
            headers={"ETag": '"v1"', "Content-Type": "text/html; charset=utf-8"}, body=page()
        )

    http_server.handle("/licence", licence)
    source = cited_source(http_server)
    sources_check(budget_seconds=30)
    before = SourceCheck.objects.get(source=source)
    assert before.etag == '"v1"'

    after = check_now(source)

    assert http_server.requests[-1].headers.get("if-none-match") == '"v1"'
    assert (after.state, after.checked_at, after.changed_at) == (
        before.state,
        before.checked_at,
        before.changed_at,
    )
    assert after.next_check_at > timezone.now() + datetime.timedelta(days=6)


def test_a_host_that_answers_429_is_left_alone_for_its_retry_after(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    http_server.route("/licence", status=429, headers={"Retry-After": "120"}, body=b"slow down")
    http_server.route("/other", body=page())
    first = cited_source(http_server)
    second = cited_source(http_server, "/other")

    outcomes = sources_check(budget_seconds=30)

    check = SourceCheck.objects.get(source=first)
    assert check.state == LinkState.RATE_LIMITED
    assert "429" in check.detail
    wait = (check.next_check_at - timezone.now()).total_seconds()
    assert 100 < wait <= 120
    # The other page on that host waits too: one 429 speaks for the host.
    assert outcomes["deferred"] == 1
    assert SourceCheck.objects.get(source=second).state == LinkState.PENDING
    assert http_server.paths.count("/other") == 0
    # Nothing is due again at once: no retry loop.
    assert sources_check(budget_seconds=30).total() == 0


def test_bad_pages_get_a_clear_state_and_no_crash_loop(
    http_server: LocalHTTPServer, allow_private: None, settings: SettingsWrapper
) -> None:
    settings.WATCH_MAX_BYTES = 20_000
    http_server.redirect("/loop-a", http_server.url("/loop-b"))
    http_server.redirect("/loop-b", http_server.url("/loop-a"))
    http_server.route("/huge", body=page([PARAGRAPHS[0]] * 400))
    http_server.route(
        "/app", body=b"<html><body><div id=root></div><script src=/app.js></script></body></html>"
    )
    loop, huge, app = (cited_source(http_server, p) for p in ("/loop-a", "/huge", "/app"))

    sources_check(budget_seconds=30)

    for source, words in ((loop, "loop"), (huge, "larger than"), (app, "JavaScript")):
        check = SourceCheck.objects.get(source=source)
        assert check.state == LinkState.UNREADABLE, source.url
        assert words.lower() in check.detail.lower(), check.detail
        assert check.next_check_at > timezone.now() + datetime.timedelta(hours=1)
    assert sources_check(budget_seconds=30).total() == 0


def test_a_page_served_with_the_wrong_charset_is_not_changed(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    japanese = [
        "このライセンスは、すべての人にモデルの重みを使用、複製、改変、配布する権利を与えます。" * 3
    ]
    body = page(japanese)
    http_server.route("/licence", body=body)
    source = cited_source(http_server)
    sources_check(budget_seconds=30)
    assert "ライセンス" in Source.objects.get(pk=source.pk).snapshot_text

    http_server.route("/licence", body=body, content_type="text/html; charset=iso-8859-1")
    check = check_now(source)

    assert check.state == LinkState.ALIVE
    assert "iso-8859-1" in check.detail


def test_checksources_checks_the_sources_at_the_urls_given_in_process(
    http_server: LocalHTTPServer, allow_private: None, capsys: Any
) -> None:
    http_server.route("/licence", status=410, body=b"")
    source = cited_source(http_server)
    other = cited_source(http_server, "/elsewhere")

    call_command("checksources", http_server.url("/licence"))

    assert SourceCheck.objects.get(source=source).state == LinkState.GONE
    assert SourceCheck.objects.get(source=other).state == LinkState.PENDING
    assert "gone" in capsys.readouterr().out


def test_the_statement_page_links_the_archived_copy_and_marks_a_changed_source(
    http_server: LocalHTTPServer, allow_private: None, client: Client
) -> None:
    http_server.route("/licence", body=page())
    source = source_make(url=http_server.url("/licence"), title="Model licence")
    cite(source, publish=True)
    sources_check(budget_seconds=30)
    statement = source.citations.get().statement
    page_html = client.get(f"/statements/{statement.pk}/").content.decode()
    archive_url = f"/sources/{source.pk}/archive/"
    assert archive_url in page_html
    assert "has changed since it was cited" not in page_html

    archive = client.get(archive_url)
    text = archive.content.decode()
    assert archive.status_code == 200
    assert "Archived copy" in text and PARAGRAPHS[1] in text
    assert "<script" not in text.split("<main", 1)[-1].split("</main>", 1)[0]
    ja = client.get(f"/ja{archive_url}").content.decode()
    assert "アーカイブ" in ja

    http_server.route(
        "/licence", body=page(["An entirely different page about something else."] * 3)
    )
    assert check_now(source).state == LinkState.CHANGED
    assert (
        "has changed since it was cited"
        in client.get(f"/statements/{statement.pk}/").content.decode()
    )


def test_the_archived_copy_of_a_source_no_published_statement_cites_is_not_shown(
    client: Client,
) -> None:
    source = source_make(snapshot_text="Some text")
    cite(source)  # a draft
    assert client.get(f"/sources/{source.pk}/archive/").status_code == 404


def queue_lists(client: Client) -> set[int]:
    """The source checks the admin's queue (its default "needs attention" view) links to."""
    response = client.get(reverse("admin:watch_sourcecheck_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    return {
        check.pk
        for check in SourceCheck.objects.all()
        if f'href="{reverse("admin:watch_sourcecheck_change", args=[check.pk])}' in html
    }


@pytest.mark.slow
def test_an_editor_marks_a_finding_as_seen_and_it_returns_when_the_state_changes(
    http_server: LocalHTTPServer, allow_private: None, editor: User, reader: User
) -> None:
    http_server.route("/gone", body=page())
    http_server.route("/changed", body=page())
    gone, changed = cited_source(http_server, "/gone"), cited_source(http_server, "/changed")
    sources_check(budget_seconds=30)
    http_server.route("/gone", status=410, body=b"gone")
    http_server.route("/changed", body=page([*PARAGRAPHS[:2], "Anyone may use it, any size."]))
    gone_check, changed_check = check_now(gone), check_now(changed)
    assert (gone_check.state, changed_check.state) == (LinkState.GONE, LinkState.CHANGED)
    client = Client()
    client.force_login(editor)
    assert queue_lists(client) == {gone_check.pk, changed_check.pk}
    mark = {"action": "acknowledge_selected", "_selected_action": [gone_check.pk]}

    # Staff without the editor's role may not take anything out of the queue.
    refused = Client()
    refused.force_login(reader)
    refused.post(reverse("admin:watch_sourcecheck_changelist"), mark)
    assert SourceCheck.objects.get(pk=gone_check.pk).acknowledged_at is None

    response = client.post(reverse("admin:watch_sourcecheck_changelist"), mark, follow=True)

    assert "1 source marked as seen." in response.content.decode()
    assert SourceCheck.objects.get(pk=gone_check.pk).acknowledged_at is not None
    assert SourceCheck.objects.get(pk=changed_check.pk).acknowledged_at is None
    assert list(SourceCheck.objects.needs_attention()) == [changed_check]
    assert queue_lists(client) == {changed_check.pk}
    assert check_now(gone).state == LinkState.GONE, "the same finding stays seen"
    assert list(SourceCheck.objects.needs_attention()) == [changed_check]

    http_server.route("/gone-moved", body=page())
    http_server.redirect("/gone", http_server.url("/gone-moved"), status=301)
    assert check_now(gone).state == LinkState.MOVED
    assert queue_lists(client) == {gone_check.pk, changed_check.pk}, "a new finding is back"
