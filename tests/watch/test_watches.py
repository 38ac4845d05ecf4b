"""Watched pages against a local server that changes: baseline, noise, meaningful changes, the
review queue, and bad pages, each a clear state."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.claims.models import EditorialState, StatementKind
from apps.lib.events import event_subscribe
from apps.watch.events import PageChangeAccepted
from apps.watch.models import Review, Watch, WatchSnapshot, WatchState
from apps.watch.services.review import page_change_accept
from apps.watch.services.watches import watches_check
from tests.factories import company_make, model_make
from tests.support.httpserver import LocalHTTPServer
from tests.watch.pages import PARAGRAPHS, page

pytestmark = pytest.mark.django_db


def check(watch: Watch) -> Watch:
    Watch.objects.filter(pk=watch.pk).update(next_check_at=timezone.now())
    watches_check(budget_seconds=30)
    return Watch.objects.get(pk=watch.pk)


def add(url: str, *args: str) -> Watch:
    call_command("addwatch", url, *args)
    return Watch.objects.get(url=url)


def test_a_meaningful_change_waits_for_an_editor_and_noise_does_not(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    url = http_server.url("/aup")
    http_server.route("/aup", body=page(extra="<p class='stamp'>Updated 2025-07-01</p>"))
    watch = add(
        url, "--selector", "article .terms, .stamp", "--ignore", r"^Updated \d", "--interval", "60"
    )
    assert watch.interval_minutes == 60

    watch = check(watch)
    assert watch.state == WatchState.OK
    baseline = watch.snapshots.get()
    assert baseline.review == Review.NONE and PARAGRAPHS[0] in baseline.text
    assert "Updated" not in baseline.text and "Contact us" not in baseline.text

    # A new date, new markup, a new footer: nothing the watch compares.
    http_server.route(
        "/aup",
        body=page(wrapper="div", extra="<p class='stamp'>Updated 2025-08-02</p>").replace(
            b"Contact us", b"Write to us"
        ),
    )
    assert check(watch).snapshots.count() == 1

    changed = [*PARAGRAPHS[:2], "Services of any size may use the model without asking anyone."]
    http_server.route("/aup", body=page(changed))
    watch = check(watch)
    change = watch.snapshots.order_by("-id").first()
    assert change is not None and change.review == Review.PENDING
    assert "any size" in " ".join(text for op, text in change.diff if op == "+")


def test_an_editor_accepts_a_change_as_a_draft_act_citing_the_page(
    http_server: LocalHTTPServer, allow_private: None
) -> None:
    lab = company_make(name="Lab", slug="lab")
    llama = model_make(developer=lab)
    url = http_server.url("/licence")
    http_server.route("/licence", body=page())
    watch = add(url, "--lab", "lab", "--model", llama.slug)
    check(watch)
    http_server.route(
        "/licence", body=page(["The weights are no longer offered for download."] * 3)
    )
    check(watch)
    change = WatchSnapshot.objects.get(review=Review.PENDING)
    heard: list[PageChangeAccepted] = []
    event_subscribe(PageChangeAccepted, heard.append)

    statement = page_change_accept(snapshot=change, user=None, stance="leaning_closed")

    assert statement.kind == StatementKind.ACTION and statement.state == EditorialState.DRAFT
    assert list(statement.ai_models.all()) == [llama]
    citation = statement.citations.get()
    assert citation.source.url == url
    assert PARAGRAPHS[0] in citation.source.snapshot_text  # archived from the first reading
    assert "no longer offered" in citation.excerpt
    change.refresh_from_db()
    assert change.review == Review.ACCEPTED and change.statement == statement
    assert heard == [PageChangeAccepted(snapshot_id=change.pk, statement_id=statement.pk)]


def test_bad_pages_are_clear_states(http_server: LocalHTTPServer, allow_private: None) -> None:
    http_server.route("/licence", body=page())
    http_server.route(
        "/app", body=b"<html><body><div id=app></div><script src=/a.js></script></body></html>"
    )
    http_server.route("/busy", status=429, headers={"Retry-After": "600"}, body=b"")
    no_match = add(http_server.url("/licence"), "--selector", "#does-not-exist")
    app = add(http_server.url("/app"))
    busy = add(http_server.url("/busy"))

    watches_check(budget_seconds=30)

    states = {w.pk: (w.state, w.detail) for w in Watch.objects.all()}
    assert (
        states[no_match.pk][0] == WatchState.NO_MATCH
        and "#does-not-exist" in states[no_match.pk][1]
    )
    assert states[app.pk][0] == WatchState.JAVASCRIPT
    assert states[busy.pk][0] == WatchState.RATE_LIMITED
    assert WatchSnapshot.objects.count() == 0
    assert watches_check(budget_seconds=30).total() == 0  # nothing due again: no loop


def test_addwatch_refuses_a_selector_it_cannot_use(http_server: LocalHTTPServer) -> None:
    with pytest.raises(CommandError, match="Unsupported"):
        call_command("addwatch", http_server.url("/x"), "--selector", "a:hover")
    assert not Watch.objects.exists()


def test_checkwatches_all_checks_every_watch_in_process(
    http_server: LocalHTTPServer, allow_private: None, capsys: Any
) -> None:
    http_server.route("/licence", body=page())
    watch = add(http_server.url("/licence"))
    Watch.objects.filter(pk=watch.pk).update(
        next_check_at=timezone.now() + datetime.timedelta(days=1)
    )
    call_command("checkwatches")
    assert Watch.objects.get(pk=watch.pk).state == WatchState.PENDING
    call_command("checkwatches", "--all")
    assert Watch.objects.get(pk=watch.pk).state == WatchState.OK
    assert "1 baseline" in capsys.readouterr().out


def test_the_admin_refuses_a_watch_on_an_address_that_is_not_http(editor: User) -> None:
    client = Client()
    client.force_login(editor)
    form = {"url": "ftp://lab.example/licence.txt", "interval_minutes": 60, "active": "on"}
    form |= {"snapshots-TOTAL_FORMS": 0, "snapshots-INITIAL_FORMS": 0}  # the readings inline

    response = client.post(reverse("admin:watch_watch_add"), form)

    assert response.status_code == 200 and not Watch.objects.exists()
    assert "http" in response.context["adminform"].form.errors["url"][0]
    form["url"] = "HTTPS://Lab.example/licence?utm_source=feed"
    assert client.post(reverse("admin:watch_watch_add"), form).status_code == 302
    assert Watch.objects.get().url == "https://lab.example/licence"
