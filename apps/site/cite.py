"""How to cite one statement: a permanent link to the revision read, in APA and in BibTeX.

The link names a revision (apps/site/revisions.py), never the statement's page alone, so a later
edit cannot change what a citation points at. The author is Aperture, as an organisation: the
statement is the editors' record of what a lab said or did, not the lab's own words, which the
page quotes with their sources. The date is the revision's, since that is the version cited.

APA 7 for a page on a website: Author. (Year, Month Day). *Title* [Description]. URL (the site's
name is left out when it is the author's); no retrieval date, since the permanent link does not
change. A statement made in bulk (a generated timeline) has no revisions: its citation names
its page and the day it was last changed. The description says what the item
is; the title is the editor's summary, cut at a word boundary. BibTeX is an @misc entry with
both the classic fields (year, month, howpublished) and biblatex's (date, url), with LaTeX's
special characters escaped, so it compiles under either.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.claims.models import Statement

TITLE_WORDS = 30
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# LaTeX's special characters, each replaced in one pass (a backslash must not be escaped twice).
LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
LATEX_PATTERN = re.compile("|".join(re.escape(c) for c in LATEX_SPECIAL))


@dataclass(frozen=True)
class StatementCitation:
    permalink: str
    #: The revision the permalink names; None for a statement with no recorded revisions.
    history_id: int | None
    revised_at: datetime.datetime
    apa: SafeString
    bibtex: str


def revision_path(statement_id: int, history_id: int) -> str:
    return reverse("statement_revision", kwargs={"pk": statement_id, "history_id": history_id})


def latex_escape(text: str) -> str:
    return LATEX_PATTERN.sub(lambda m: LATEX_SPECIAL[m.group()], text)


def _title(statement: Statement) -> str:
    summary = " ".join(statement.summary.split())
    # Japanese has no spaces between words: cut it by characters instead.
    if len(summary.split()) <= 1:
        return Truncator(summary).chars(TITLE_WORDS * 4)
    return Truncator(summary).words(TITLE_WORDS)


def _apa(statement: Statement, day: datetime.date, permalink: str) -> SafeString:
    # A translatable date format: "2025, July 15" in English, "2025年7月15日" in Japanese.
    when = date_format(day, pgettext("date in an APA citation", "Y, F j"))
    description = _("Statement record on %(lab)s") % {"lab": statement.company.name}
    return format_html(
        "Aperture. ({}). <i>{}</i> [{}]. {}",
        when,
        _title(statement),
        description,
        permalink,
    )


def _bibtex(
    statement: Statement, history_id: int | None, day: datetime.date, permalink: str
) -> str:
    key = f"aperture-statement-{statement.pk}" + (f"-r{history_id}" if history_id else "")
    note = _("Statement record on %(lab)s, revision of %(date)s") % {
        "lab": statement.company.name,
        "date": day.isoformat(),
    }
    fields = [
        ("author", "{Aperture}"),
        ("title", "{" + latex_escape(_title(statement)) + "}"),
        ("organization", "Aperture"),
        ("year", str(day.year)),
        ("month", MONTHS[day.month - 1]),
        ("date", day.isoformat()),
        ("url", permalink),
        ("howpublished", f"\\url{{{permalink}}}"),
        ("note", latex_escape(note)),
    ]
    lines = [f"@misc{{{key},"]
    for name, value in fields:
        # A month is a BibTeX macro (jul), every other value a braced string.
        lines.append(f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines)


def statement_citation(
    statement: Statement, *, history_id: int | None, revised_at: datetime.datetime
) -> StatementCitation:
    """The citation of `statement` as it was in revision `history_id`, made at `revised_at`
    (without a revision: its page, last changed at `revised_at`)."""
    path = (
        revision_path(statement.pk, history_id)
        if history_id is not None
        else statement.get_absolute_url()
    )
    permalink = settings.SITE_URL + path
    day = timezone.localtime(revised_at).date()
    return StatementCitation(
        permalink=permalink,
        history_id=history_id,
        revised_at=revised_at,
        apa=_apa(statement, day, permalink),
        bibtex=_bibtex(statement, history_id, day, permalink),
    )
