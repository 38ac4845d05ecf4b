"""A lab's commitments on its page (overdue first, with status, evidence and history), its kept
ratio always beside its counts, the ratio beside each stance on the compare page, and the about
page's account of how commitments are judged and contested."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from apps.claims import commitments
from apps.claims.models import Commitment
from tests.factories import company_make, statement_make

pytestmark = pytest.mark.django_db

SAID = datetime.date(2025, 7, 14)


def promise(lab: object, text: str, **fields: object) -> Commitment:
    fields.setdefault("condition", "with the next major release")
    return commitments.commitment_mark(
        user=None,
        statement=statement_make(company=lab, occurred_on=SAID, publish=True),  # type: ignore[arg-type]
        promise=text,
        evidence_rule=f"Evidence rule of {text}.",
        **fields,  # type: ignore[arg-type]
    )


def judged(lab: object, text: str, outcome: str, reviewer: User) -> Commitment:
    commitment = promise(lab, text)
    evidence = statement_make(company=lab, kind="action", occurred_on=SAID, publish=True)  # type: ignore[arg-type]
    commitments.commitment_outcome_record(
        commitment=commitment,
        user=reviewer,
        outcome=outcome,
        rationale=f"Rationale of {text}.",
        deciding_statement=evidence,
    )
    return commitment


@pytest.fixture
def meta_promises(reviewer: User) -> dict[str, Commitment]:
    meta = company_make(name="Meta", slug="meta")
    made = {
        "pending": promise(meta, "pending promise"),
        "overdue": promise(meta, "overdue promise", due_on=SAID, condition=""),
        "kept-1": judged(meta, "first kept promise", "kept", reviewer),
        "kept-2": judged(meta, "second kept promise", "kept", reviewer),
        "broken": judged(meta, "broken promise", "broken", reviewer),
    }
    commitments.commitments_overdue_mark(today=SAID + datetime.timedelta(days=1))
    return made


@pytest.mark.slow
def test_the_lab_page_lists_commitments_overdue_first_with_status_and_evidence(
    client: Client, meta_promises: dict[str, Commitment]
) -> None:
    html = client.get("/labs/meta/").content.decode()
    ids = [int(pk) for pk in re.findall(r'<li id="commitment-(\d+)"', html)]
    assert ids[:2] == [meta_promises["overdue"].pk, meta_promises["pending"].pk]
    assert set(ids) == {c.pk for c in meta_promises.values()}
    section = html[html.index('id="commitments"') :]
    for word in ("overdue", "pending", "kept", "broken"):
        assert f'class="commitment-status status-{word}">{word}<' in section
    assert "Evidence rule of broken promise." in section
    assert "Rationale of broken promise." in section
    evidence = meta_promises["broken"].outcomes.get().deciding_statement
    assert evidence is not None and evidence.get_absolute_url() in section


@pytest.mark.slow
def test_the_kept_ratio_never_appears_without_its_counts(
    client: Client, meta_promises: dict[str, Commitment]
) -> None:
    html = client.get("/labs/meta/").content.decode()
    assert "2 of 3 resolved kept (67%)" in html
    assert "1 overdue" in html and "1 pending" in html
    assert "67%" not in html.replace("2 of 3 resolved kept (67%)", "")


def test_a_lab_without_commitments_says_so_and_shows_no_ratio(client: Client) -> None:
    company_make(name="Quiet Lab", slug="quiet")
    html = client.get("/labs/quiet/").content.decode()
    assert "No commitments recorded for this lab." in html
    assert "no commitments recorded" in html and "%)" not in html


def test_a_commitment_on_a_draft_statement_is_not_shown(client: Client) -> None:
    lab = company_make(name="Draft Lab", slug="draft-lab")
    commitments.commitment_mark(
        user=None,
        statement=statement_make(company=lab, occurred_on=SAID),
        promise="secret promise",
        evidence_rule="e",
        condition="c",
    )
    html = client.get("/labs/draft-lab/").content.decode()
    assert "secret promise" not in html


@pytest.mark.slow
def test_the_compare_page_shows_the_kept_ratio_beside_each_stance(
    client: Client, meta_promises: dict[str, Commitment]
) -> None:
    company_make(name="Other", slug="other")
    statement_make(company=company_make(name="Unused"), publish=True)
    html = client.get("/compare/?labs=meta,other").content.decode()
    meta = html[html.index('id="lab-meta"') : html.index('id="lab-other"')]
    other = html[html.index('id="lab-other"') :]
    assert "2 of 3 resolved kept (67%)" in meta
    assert "no commitments recorded" in other


@pytest.mark.slow
def test_the_japanese_lab_page_shows_the_japanese_promise_and_words(
    client: Client, reviewer: User
) -> None:
    meta = company_make(name="Meta", slug="meta")
    promise(meta, "keep releasing", promise_ja="公開を続ける")
    judged(meta, "kept one", "kept", reviewer)
    html = client.get("/ja/labs/meta/").content.decode()
    assert "公開を続ける" in html
    assert "約束" in html and "決着した1件中1件が守られた" in html


def test_the_seeded_meta_page_shows_the_spokespersons_pending_commitment(
    client: Client, seeded: None
) -> None:
    html = client.get("/labs/meta/").content.decode()
    section = html[html.index('id="commitments"') :]
    assert "keep releasing leading open-source models" in section
    assert 'class="commitment-status status-pending">pending<' in section
    assert "Kept if Meta&#x27;s next leading model after 14 July 2025" in section
    assert "none resolved yet; 1 pending" in section


@pytest.mark.parametrize("prefix", ["", "/ja"])
def test_the_about_page_explains_how_a_commitment_is_judged_and_contested(
    client: Client, prefix: str
) -> None:
    html = client.get(f"{prefix}/about/").content.decode()
    assert '<section id="commitments"' in html and 'href="#commitments"' in html
    section = html[html.index('<section id="commitments"') :]
    section = section[: section.index("</section>")]
    assert ("reopens" in section) if not prefix else ("再開" in section)


@pytest.mark.slow
def test_the_statement_that_made_a_promise_says_so_and_links_to_it(
    client: Client, meta_promises: dict[str, Commitment]
) -> None:
    overdue = meta_promises["overdue"]
    html = client.get(overdue.statement.get_absolute_url()).content.decode()
    assert 'id="commitment-heading"' in html and "overdue promise" in html
    assert f'href="/labs/meta/#commitment-{overdue.pk}"' in html
    plain = statement_make(company=overdue.statement.company, publish=True)
    assert 'id="commitment-heading"' not in client.get(plain.get_absolute_url()).content.decode()


@pytest.mark.slow
def test_the_commitments_can_be_narrowed_without_javascript_and_as_a_fragment(
    client: Client, meta_promises: dict[str, Commitment]
) -> None:
    page = client.get("/labs/meta/?commitments=open").content.decode()
    shown = {int(pk) for pk in re.findall(r'<li id="commitment-(\d+)"', page)}
    assert shown == {meta_promises["pending"].pk, meta_promises["overdue"].pk}
    assert "2 of 3 resolved kept" in page, "the ratio counts every commitment"
    assert 'href="/labs/meta/?commitments=open#commitments"' in page
    assert '?commitments=open" aria-current="true"' in page

    fragment = client.get(
        "/labs/meta/?commitments=resolved",
        headers={"HX-Request": "true", "HX-Target": "commitment-list"},
    )
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="commitment-list">') and "<h1" not in html
    resolved = {int(pk) for pk in re.findall(r'<li id="commitment-(\d+)"', html)}
    assert resolved == {meta_promises[k].pk for k in ("kept-1", "kept-2", "broken")}
    assert "HX-Target" in fragment["Vary"]
    # Anything else is all of them, never an error.
    everything = client.get("/labs/meta/?commitments=nonsense").content.decode()
    assert len(re.findall(r'<li id="commitment-', everything)) == 5
