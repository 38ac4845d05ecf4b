"""Every current stance shows its evidence: what it rests on, why (the why page), what caused each
change, and a home page whose "last change" agrees with the history."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from apps.catalog.models import Company
from apps.claims import stance as engine
from apps.claims.acts import ActRecorded, acts_record
from apps.claims.explain import stance_contributions
from apps.claims.models import LinkKind, StanceChange, Statement, StatementKind, StatementLink
from apps.claims.selectors import StanceBasis, stance_bases
from apps.claims.services import stance_history_recompute, stance_inputs
from apps.site.services import timeline_generate
from apps.site.templatetags.aperture import as_percent, precise_date, signed
from tests.factories import company_make, statement_make

pytestmark = pytest.mark.django_db

D = datetime.date


def html_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def meta_basis() -> StanceBasis:
    """Meta's basis counted by hand from the seeded record: words, acts, the newest date."""
    published = Statement.objects.published().filter(company__slug="meta")
    acts = published.filter(kind=StatementKind.ACTION)
    words = published.exclude(kind=StatementKind.ACTION)
    newest = max(s.occurred_on for s in published)
    return StanceBasis(statements=words.count(), acts=acts.count(), newest=newest)


def basis_sentence(basis: StanceBasis) -> str:
    assert basis.statements > 1 and basis.acts == 1 and basis.newest is not None
    return (
        f"Rests on {basis.statements} statements and 1 act; "
        f"the newest from {precise_date(basis.newest)}."
    )


# -- what a stance rests on ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/labs/meta/", "/compare/?labs=meta,xai"])
def test_each_current_stance_says_how_many_statements_and_acts_it_rests_on_and_links_to_why(
    client: Client, seeded: None, url: str
) -> None:
    html = html_of(client, url)
    assert basis_sentence(meta_basis()) in html
    assert 'href="/labs/meta/why/"' in html


def test_a_stance_resting_on_one_or_two_items_is_called_provisional(
    client: Client, seeded: None
) -> None:
    html = html_of(client, "/")
    rows = {
        slug: html[html.index(f'href="/labs/{slug}/"') :].split("</tr>")[0]
        for slug in ("xai", "openai", "meta")
    }
    assert "Only 1 item on record: read this stance as provisional." in rows["xai"]
    assert "Rests on 1 act;" in rows["xai"]  # no "0 statements" for a lab with acts only
    assert "Only 2 items on record" in rows["openai"]
    assert "provisional" not in rows["meta"]


def test_the_lab_page_says_how_many_items_are_recent(client: Client) -> None:
    lab = company_make(is_lab=True)
    today = timezone.localdate()
    statement_make(company=lab, occurred_on=today - datetime.timedelta(days=30), publish=True)
    statement_make(company=lab, occurred_on=today - datetime.timedelta(days=400), publish=True)
    statement_make(company=lab, occurred_on=today - datetime.timedelta(days=500), publish=True)
    html = html_of(client, lab.get_absolute_url())
    assert "Rests on 3 statements;" in html and "1 of them from the past year." in html


def test_what_a_stance_rests_on_is_what_the_engine_counts(client: Client) -> None:
    """stance_bases counts in SQL; the engine's contributions say which items weigh anything.
    Superseded statements, future ones and imported acts included, they must agree."""
    timeline = timeline_generate(count=60, slug="basis-lab", name="Basis Lab", days=900)
    lab = timeline.company
    ids = list(
        Statement.objects.filter(company=lab)
        .order_by("occurred_on", "id")
        .values_list("id", flat=True)
    )
    for older, newer in [(ids[0], ids[-1]), (ids[5], ids[30]), (ids[10], ids[11])]:
        StatementLink.objects.create(
            from_statement_id=newer, to_statement_id=older, kind=LinkKind.SUPERSEDES
        )
    StatementLink.objects.create(from_statement_id=ids[20], to_statement_id=ids[3], kind="denies")
    acts_record(
        acts=[
            ActRecorded(
                company=lab,
                subject=f"Basis Model {n}",
                occurred_on=D(2024, 3, 1) + datetime.timedelta(days=90 * n),
                access_level="API access",
                origin="Test dataset",
                origin_key=f"basis-{n}",
            )
            for n in range(4)
        ]
    )
    stance_history_recompute(company=lab)
    evidence, links, _pins = stance_inputs(company=lab)
    dates = sorted({item.occurred_on for item in evidence})
    for on in [dates[0], dates[len(dates) // 2], dates[-1], timezone.localdate()]:
        counted = [c for c in stance_contributions(evidence, links, on) if c.weight > 0]
        [basis] = stance_bases(company_ids=[lab.pk], today=on).values()
        assert basis.acts == sum(1 for c in counted if c.is_act), on
        assert basis.statements == sum(1 for c in counted if not c.is_act), on
        assert basis.newest == max(c.item.occurred_on for c in counted)
        recent = [c for c in counted if c.age_days < engine.HALF_LIFE_DAYS]
        assert basis.recent == len(recent)


# -- why this stance ----------------------------------------------------------------------------


def test_the_why_page_lists_the_items_with_the_weights_the_engine_computes(
    client: Client, seeded: None
) -> None:
    meta = Company.objects.get(slug="meta")
    on = D(2025, 7, 14)
    html = html_of(client, f"/labs/meta/why/?on={on.isoformat()}")
    evidence, links, _pins = stance_inputs(company=meta)
    contributions = stance_contributions(evidence, links, on)
    shown = [int(n) for n in re.findall(r'<tr id="item-(-?\d+)"', html)]
    assert shown == [c.item.id for c in contributions]  # heaviest first
    for c in contributions:
        row = html[html.index(f'<tr id="item-{c.item.id}"') :].split("</tr>")[0]
        assert f'<td class="num weight">{floatformat(c.weight, 3)}</td>' in row
        assert f'<td class="num share">{as_percent(c.share)}</td>' in row
        assert f'<td class="num pull">{signed(c.pull)}</td>' in row
        assert f'href="/statements/{c.item.id}/"' in row
    score = engine.stance_score_at(evidence, links, on)
    assert f'<td class="num total-score">{signed(score, 2)}</td>' in html
    # The day of the change: what moved it, and from what to what.
    day = html[html.index('id="day-heading"') : html.index('id="weights-heading"')]
    assert "The stance moved from “open” to “leaning open” (partial shift)." in day
    for key in ("meta-2025-nyt-closed-report", "meta-2025-spokesperson-reply"):
        statement = Statement.objects.get(import_key=key)
        assert f'href="{statement.get_absolute_url()}"' in day
        assert escape(statement.summary[:60]) in day


def test_the_why_page_names_an_imported_act_and_links_to_it(client: Client, seeded: None) -> None:
    meta = Company.objects.get(slug="meta")
    acts_record(
        acts=[
            ActRecorded(
                company=meta,
                subject="Llama 4 Maverick",
                occurred_on=D(2025, 4, 5),
                access_level="Open weights (restricted use)",
                origin="Epoch AI: Data on AI models",
                origin_key="llama-4-maverick|meta",
            )
        ]
    )
    html = html_of(client, "/labs/meta/why/")
    [act_row] = re.findall(r'<tr id="item-(-\d+)"', html)
    row = html[html.index(f'<tr id="item-{act_row}"') :].split("</tr>")[0]
    assert f'href="/labs/meta/#act-{-int(act_row)}"' in row
    assert "Open weights (restricted use)" in row and "release recorded by a dataset" in row
    times = "\u00d7"  # the multiplication sign the page prints
    assert f'imported, not checked by an editor: <span class="num">{times} 0.40</span>' in row


def test_the_why_page_before_anything_was_said_has_no_stance(client: Client, seeded: None) -> None:
    html = html_of(client, "/labs/meta/why/?on=2020-01-01")
    assert "Nothing was on record by" in html and '<tr id="item-' not in html


def test_the_why_page_reports_a_date_it_cannot_read_and_shows_today(
    client: Client, seeded: None
) -> None:
    html = html_of(client, "/labs/meta/why/?on=14-07-2025")
    assert 'role="alert"' in html and "That date was not understood" in html
    assert "Stance today" in html
    assert client.get("/labs/nobody/why/").status_code == 404


def test_the_why_page_says_when_an_editor_pinned_the_stance(client: Client, seeded: None) -> None:
    from apps.claims.services import assessment_pin

    meta = Company.objects.get(slug="meta")
    assessment_pin(
        user=None,
        company=meta,
        effective_from=D(2025, 7, 20),
        stance="closed",
        rationale="Test pin",
    )
    html = html_of(client, "/labs/meta/why/?on=2025-08-01")
    assert "An editor pinned this stance from July 20, 2025." in html
    assert "The formula alone gives “leaning open”" in html
    lab = html_of(client, "/labs/meta/")
    assert "An editor has pinned this stance." in lab
    assert "An editor pinned the stance at “closed”" in lab  # the change it caused


# -- what caused each change --------------------------------------------------------------------


def test_each_row_of_the_changes_table_links_to_the_statements_that_caused_it(
    client: Client, seeded: None
) -> None:
    html = html_of(client, "/labs/meta/")
    changes = StanceChange.objects.current().filter(company__slug="meta").order_by("date", "id")
    first, *later = changes
    assert later
    for change in changes:
        row = html[html.index(f'<tr id="change-{change.pk}"') :].split("</tr>")[0]
        caused_by = list(change.statements.all())
        assert caused_by
        for statement in caused_by:
            assert f'href="{statement.get_absolute_url()}"' in row
        assert f'href="/labs/meta/why/?on={change.date.isoformat()}"' in row
    first_row = html[html.index(f'<tr id="change-{first.pk}"') :].split("</tr>")[0]
    assert "first recorded stance" in first_row and "no shift" not in first_row


def test_a_change_caused_by_an_imported_act_links_to_that_act(client: Client) -> None:
    lab = company_make(is_lab=True)
    statement_make(company=lab, stance="open", occurred_on=D(2025, 1, 1), publish=True)
    acts_record(
        acts=[
            ActRecorded(
                company=lab,
                subject=f"Model {n}",
                occurred_on=D(2025, 6, 1),
                access_level="Unreleased",
                origin="Test dataset",
                origin_key=f"closed-{n}",
            )
            for n in range(4)
        ]
    )
    change = StanceChange.objects.current().filter(company=lab).latest("date")
    assert change.date == D(2025, 6, 1) and change.old_stance == "open"
    for url in (lab.get_absolute_url(), f"/compare/?labs={lab.slug}"):
        html = html_of(client, url)
        table = html[html.index("Caused by") :]
        for act in lab.recorded_acts.all():
            assert f'href="{lab.get_absolute_url()}#act-{act.pk}"' in table


def test_each_change_marker_links_to_why_on_its_date(client: Client, seeded: None) -> None:
    html = html_of(client, "/labs/meta/").split('id="says-does-heading"')[0]
    hrefs = re.findall(r'<a class="change-mark" href="([^"]+)"><title>([^<]+)</title>', html)
    changes = StanceChange.objects.current().filter(company__slug="meta").order_by("date", "id")
    assert [h for h, _ in hrefs] == [f"/labs/meta/why/?on={c.date.isoformat()}" for c in changes]
    titles = [t for _, t in hrefs]
    assert "(first recorded stance)" in titles[0] and "(partial shift)" in titles[1]
    assert all("no shift" not in t for t in titles)


def test_the_band_draws_statements_and_acts_as_distinct_linked_marks_with_titles(
    client: Client, seeded: None
) -> None:
    html = html_of(client, "/labs/meta/").split('id="says-does-heading"')[0]
    marks = re.findall(
        r'<a class="item-mark" href="([^"]+)"><title>([^<]+)</title><(circle|rect) class="dot '
        r'(statement|act) dot-([a-z_]+)"',
        html,
    )
    published = Statement.objects.published().filter(company__slug="meta")
    assert sorted(href for href, *_ in marks) == sorted(s.get_absolute_url() for s in published)
    for href, title, shape, kind, stance in marks:
        statement = published.get(pk=int(href.split("/")[2]))
        is_act = statement.kind == StatementKind.ACTION
        assert (shape, kind) == (("rect", "act") if is_act else ("circle", "statement"))
        assert stance == statement.stance
        assert title.startswith("Act, " if is_act else "Statement, ")
        assert str(statement.get_kind_display()) in title
    assert '<span class="axis-level axis-open">open</span>' in html
    assert '<span class="axis-level axis-closed">closed</span>' in html


# -- the home page's last change ----------------------------------------------------------------


def test_the_home_pages_last_change_agrees_with_the_history(client: Client, seeded: None) -> None:
    empty = company_make(is_lab=True, name="Quiet Lab")
    html = html_of(client, "/")
    for lab in Company.objects.filter(is_lab=True):
        row = html[html.index(f'href="{lab.get_absolute_url()}"') :].split("</tr>")[0]
        last = row.split('<td class="last-change">')[1].split("</td>")[0]
        changes = list(StanceChange.objects.current().filter(company=lab).order_by("date", "id"))
        if not changes:
            assert lab == empty and last == "—"
            continue
        latest = changes[-1]
        assert "no shift" not in last
        if len(changes) == 1:
            assert latest.is_start
            assert "None since its first recorded stance" in last
        else:
            assert str(latest.get_rating_display()) in last
            assert f"from {latest.get_old_stance_display()}" in last
        assert precise_date(latest.date) in last


def test_a_change_caused_by_a_crowded_day_lists_its_first_causes_and_says_there_are_more(
    client: Client,
) -> None:
    from apps.site.selectors import CAUSES_SHOWN, change_rows

    lab = timeline_generate(
        count=CAUSES_SHOWN + 5, slug="crowded", name="Crowded", days=1, distinct_days=1
    ).company
    (change,) = StanceChange.objects.current().filter(company=lab)
    (row,) = change_rows([change])
    caused = list(change.statements.order_by("occurred_on", "id"))
    assert len(caused) == CAUSES_SHOWN + 5
    assert [s.pk for s in row.statements] == [s.pk for s in caused[:CAUSES_SHOWN]]
    assert row.more
    page = client.get(lab.get_absolute_url()).content.decode()
    assert "…and more statements that day" in page
    assert caused[CAUSES_SHOWN - 1].get_absolute_url() in page

    few = timeline_generate(count=3, slug="quiet", name="Quiet", days=1, distinct_days=1).company
    (row,) = change_rows(list(StanceChange.objects.current().filter(company=few)))
    assert len(row.statements) == 3
    assert not row.more
