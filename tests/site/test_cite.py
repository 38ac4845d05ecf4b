"""Citing a statement: the cite block (APA, BibTeX, a permanent link to the revision cited) and
the revision pages those links open, which keep the words cited after an edit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from apps.claims import services
from apps.claims.models import Citation, Statement
from apps.site.cite import latex_escape
from tests.factories import company_make, source_make, statement_make

pytestmark = pytest.mark.django_db

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
APA_EN = re.compile(
    rf"^Aperture\. \((?P<year>\d{{4}}), (?P<month>{MONTHS}) (?P<day>\d{{1,2}})\)\. "
    r"<i>(?P<title>[^<]+)</i> \[Statement record on (?P<lab>[^\]]+)\]\. (?P<url>\S+)$"
)
APA_JA = re.compile(
    r"^Aperture\. \((?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日\)\. "
    r"<i>(?P<title>[^<]+)</i> \[(?P<lab>[^\]]+)に関する発言記録\]\. (?P<url>\S+)$"
)


def parse_bibtex(text: str) -> tuple[str, str, dict[str, str]]:
    """A small BibTeX reader: one entry, braced values (nested braces kept) or bare macros.
    Raises ValueError on unbalanced braces or anything it cannot read."""
    head = re.match(r"\s*@(\w+)\s*\{\s*([^,\s]+)\s*,", text)
    if head is None:
        raise ValueError("no entry head")
    entry_type, key = head.group(1), head.group(2)
    fields: dict[str, str] = {}
    i = head.end()
    while True:
        field = re.compile(r"\s*(\}|(\w+)\s*=\s*)").match(text, i)
        if field is None:
            raise ValueError(f"unreadable at {i}: {text[i : i + 20]!r}")
        if field.group(1) == "}":
            if text[field.end() :].strip():
                raise ValueError("text after the entry")
            return entry_type, key, fields
        name, i = field.group(2), field.end()
        if text[i] == "{":
            depth, start = 0, i
            while True:
                if text[i] == "\\":
                    i += 2
                    continue
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
                if depth == 0:
                    break
                if i >= len(text):
                    raise ValueError("unbalanced braces")
            fields[name] = text[start + 1 : i - 1]
        else:
            bare = re.compile(r"[\w]+").match(text, i)
            if bare is None:
                raise ValueError(f"no value for {name}")
            fields[name], i = bare.group(), bare.end()
        comma = re.compile(r"\s*,?").match(text, i)
        assert comma is not None
        i = comma.end()


def cite_block(html: str) -> dict[str, str]:
    section = html[html.index('<section class="cite"') :].split("</section>")[0]
    permalink = re.search(r'<a class="permalink" href="([^"]+)">', section)
    apa = re.search(r'<p class="cite-apa"[^>]*>(.*?)</p>', section, re.S)
    bibtex = re.search(r"<pre class=\"cite-bibtex\"[^>]*><code>(.*?)</code></pre>", section, re.S)
    assert permalink and apa and bibtex, section
    from html import unescape

    return {
        "section": section,
        "permalink": unescape(permalink.group(1)),
        "apa": apa.group(1),
        "bibtex": unescape(bibtex.group(1)),
    }


def newest_public_revision(statement: Statement) -> Any:
    return (
        statement.history.filter(state__in=["published", "retracted"])
        .order_by("-history_date", "-history_id")
        .first()
    )


def japanese_get(client: Client, name: str, **kwargs: Any) -> str:
    """A page in Japanese: its Japanese address (/ja/… once the language is in the URL) and the
    language cookie (while it is not)."""
    client.cookies["django_language"] = "ja"
    with translation.override("ja"):
        path = reverse(name, kwargs=kwargs)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def published() -> Statement:
    lab = company_make(name="Meta")
    return statement_make(
        company=lab,
        publish=True,
        summary="Meta will keep releasing leading open-source models while training closed ones.",
    )


def test_the_statement_page_cites_its_newest_revision_in_apa_and_bibtex(
    client: Client, published: Statement
) -> None:
    html = client.get(published.get_absolute_url()).content.decode()
    block = cite_block(html)
    assert "Cite this statement" in block["section"]
    revision = newest_public_revision(published)
    permalink = f"{settings.SITE_URL}/statements/{published.pk}/v/{revision.history_id}/"
    assert block["permalink"] == permalink

    apa = APA_EN.match(block["apa"])
    assert apa is not None, block["apa"]
    made = revision.history_date.date()
    assert (int(apa["year"]), apa["month"], int(apa["day"])) == (
        made.year,
        made.strftime("%B"),
        made.day,
    )
    assert apa["title"] == published.summary and apa["lab"] == "Meta"
    assert apa["url"] == permalink

    entry_type, key, fields = parse_bibtex(block["bibtex"])
    assert entry_type == "misc"
    assert key == f"aperture-statement-{published.pk}-r{revision.history_id}"
    assert fields["author"] == "{Aperture}"
    assert fields["title"] == "{" + published.summary + "}"
    assert (fields["year"], fields["month"], fields["date"]) == (
        str(made.year),
        made.strftime("%b").lower(),
        made.isoformat(),
    )
    assert fields["url"] == permalink
    assert fields["howpublished"] == f"\\url{{{permalink}}}"
    assert "Meta" in fields["note"]


def test_the_cite_block_speaks_japanese_on_a_japanese_page(
    client: Client, published: Statement
) -> None:
    html = japanese_get(client, "statement", pk=published.pk)
    block = cite_block(html)
    assert "この発言を引用する" in block["section"]
    apa = APA_JA.match(block["apa"])
    assert apa is not None, block["apa"]
    made = newest_public_revision(published).history_date.date()
    assert (int(apa["year"]), int(apa["month"]), int(apa["day"])) == (
        made.year,
        made.month,
        made.day,
    )
    assert apa["lab"] == "Meta"
    _, _, fields = parse_bibtex(block["bibtex"])
    assert "Meta" in fields["note"] and "版" in fields["note"]


def test_a_permanent_link_keeps_showing_the_words_cited_after_an_edit(
    client: Client, published: Statement, reviewer: User
) -> None:
    old_summary = published.summary
    old_link = cite_block(client.get(published.get_absolute_url()).content.decode())["permalink"]

    published.summary = "Meta says it will train closed models too."
    services.statement_save(statement=published, user=reviewer)

    page = client.get(published.get_absolute_url()).content.decode()
    new_link = cite_block(page)["permalink"]
    assert new_link != old_link
    # The revision history links each public revision; the draft one it lists is not a link.
    history = page[page.index('class="history"') :].split("</ol>")[0]
    linked = re.findall(r'<a href="(/statements/\d+/v/\d+/)">', history)
    assert linked == [p.removeprefix(settings.SITE_URL) for p in (new_link, old_link)]
    assert "Meta says it will train closed models too." in page

    old = client.get(old_link.removeprefix(settings.SITE_URL))
    assert old.status_code == 200
    old_html = old.content.decode()
    assert old_summary in old_html
    assert "Meta says it will train closed models too." not in old_html
    assert "You are reading the version of" in old_html
    assert f'<a href="{published.get_absolute_url()}">See the current version</a>' in old_html
    assert '<meta name="robots" content="noindex">' in old_html
    # The old version's own cite block cites the old version.
    assert cite_block(old_html)["permalink"] == old_link

    new_html = client.get(new_link.removeprefix(settings.SITE_URL)).content.decode()
    assert "Meta says it will train closed models too." in new_html
    assert "which is the" in new_html and "current version" in new_html
    assert "See the current version" not in new_html


@pytest.mark.slow
def test_a_revision_shows_the_sources_it_had_not_those_added_later(
    client: Client, published: Statement, reviewer: User
) -> None:
    first_source = published.citations.get().source
    old_link = cite_block(client.get(published.get_absolute_url()).content.decode())["permalink"]
    # As the admin saves: the statement first, then its citations (inline forms).
    published.summary = "Now with a second source."
    services.statement_save(statement=published, user=reviewer)
    later = source_make(title="A later report")
    Citation.objects.create(statement=published, source=later)

    old_html = client.get(old_link.removeprefix(settings.SITE_URL)).content.decode()
    assert first_source.title in old_html and "A later report" not in old_html
    new_link = cite_block(client.get(published.get_absolute_url()).content.decode())["permalink"]
    new_html = client.get(new_link.removeprefix(settings.SITE_URL)).content.decode()
    assert first_source.title in new_html and "A later report" in new_html


def test_a_revision_made_while_the_statement_was_a_draft_is_not_found(
    client: Client, reviewer: User
) -> None:
    item = statement_make(company=company_make(), summary="Draft words")
    [draft_revision] = item.history.all()
    # Never published: no revision of it is public, nor is a cite block shown anywhere.
    draft_path = reverse("statement_revision", args=[item.pk, draft_revision.history_id])
    assert client.get(draft_path).status_code == 404

    services.statement_publish(statement=item, user=reviewer)
    assert client.get(draft_path).status_code == 404
    published_revision = newest_public_revision(item)
    assert published_revision.history_id != draft_revision.history_id
    ok = client.get(reverse("statement_revision", args=[item.pk, published_revision.history_id]))
    assert ok.status_code == 200 and "Draft words" in ok.content.decode()


def test_a_revision_of_another_statement_or_an_unknown_one_is_not_found(
    client: Client, published: Statement
) -> None:
    other = statement_make(company=published.company, publish=True)
    other_revision = newest_public_revision(other)
    assert (
        client.get(
            reverse("statement_revision", args=[published.pk, other_revision.history_id])
        ).status_code
        == 404
    )
    assert client.get(reverse("statement_revision", args=[published.pk, 10**9])).status_code == 404


def test_a_revision_page_speaks_japanese(client: Client, published: Statement) -> None:
    revision = newest_public_revision(published)
    html = japanese_get(
        client, "statement_revision", pk=published.pk, history_id=revision.history_id
    )
    assert '<html lang="ja">' in html
    assert "時点の版です" in html


def test_a_retracted_statement_keeps_its_permanent_links_and_says_it_was_retracted(
    client: Client, published: Statement, reviewer: User
) -> None:
    link = cite_block(client.get(published.get_absolute_url()).content.decode())["permalink"]
    services.statement_retract(statement=published, user=reviewer, reason="Wrong date")
    html = client.get(link.removeprefix(settings.SITE_URL)).content.decode()
    assert published.summary in html
    assert "This statement was retracted on" in html


def test_a_statement_made_in_bulk_without_revisions_cites_its_page(
    client: Client, published: Statement
) -> None:
    published.history.all().delete()
    block = cite_block(client.get(published.get_absolute_url()).content.decode())
    assert block["permalink"] == settings.SITE_URL + published.get_absolute_url()
    assert "no recorded revisions" in block["section"]
    _, key, _ = parse_bibtex(block["bibtex"])
    assert key == f"aperture-statement-{published.pk}"


def test_bibtex_escapes_latex_special_characters_and_stays_balanced(
    client: Client,
) -> None:
    tricky = r"R&D at 100% {open}? $5 #1 a_b ~x ^y \z"
    item = statement_make(company=company_make(), publish=True, summary=tricky)
    block = cite_block(client.get(item.get_absolute_url()).content.decode())
    _, _, fields = parse_bibtex(block["bibtex"])
    assert fields["title"] == "{" + latex_escape(tricky) + "}"
    assert latex_escape(tricky) == (
        r"R\&D at 100\% \{open\}? \$5 \#1 a\_b \textasciitilde{}x \textasciicircum{}y "
        r"\textbackslash{}z"
    )
    # The APA line is HTML: the summary is escaped, never markup.
    assert "R&amp;D at 100% {open}?" in block["apa"]


def test_the_bibtex_reader_in_these_tests_refuses_broken_entries() -> None:
    with pytest.raises(ValueError):
        parse_bibtex("@misc{key,\n  title = {unbalanced,\n}")
    with pytest.raises(ValueError):
        parse_bibtex("not bibtex")
