"""When a page says its article was published, and nothing else: a wrong date is worse than none.

A date is read, in this order, from what the page states about the article itself:

1. its metadata: ``<meta>`` names and properties for the first publication (Open Graph's
   ``article:published_time``, Dublin Core, ``pubdate`` and the like; never a "modified" one);
2. JSON-LD: the ``datePublished`` of a top-level article object (not of a list nested in it);
3. microdata: ``itemprop="datePublished"``, in the item that holds the headline when several
   items carry one (a list of related articles does);
4. the headline block: a ``<time datetime>`` or a printed date ("July 14, 2025",
   "2025年7月14日 10時00分") in the few short lines beside the ``<h1>`` (byline, kicker),
   never a line that says it was updated;
5. a dateline that opens the main text ("SAN FRANCISCO, July 14 (Reuters) -"), in one of its
   first lines (after the headline or a byline). One without a
   year is dated in the year that puts it at most :data:`YEARLESS_DATELINE_DAYS` days before the
   page was fetched, and not at all otherwise: "July 14" in a story fetched in December may be
   from any year.

Never from a year the prose mentions, a copyright line, the URL, a "last updated" line, a list of
related articles or a date found anywhere in the text: that is htmldate's guessing (trafilatura's
date reader), which stays switched off. Otherwise there is no date, and an editor sets it.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import re
from collections.abc import Iterator

from lxml.html import HtmlElement

__all__ = ["YEARLESS_DATELINE_DAYS", "published_at_read"]

#: A dateline without a year counts only if it falls this close before the fetch.
YEARLESS_DATELINE_DAYS = 45
#: Dates before this are not publication dates of a news page.
_EARLIEST = datetime.date(1995, 1, 1)

#: <meta name|property> values that mean "first published" (htmldate's list, less the loose and
#: the "modified" ones), lower-cased.
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published",
    "og:published_time", "published_time", "article:published_date", "datepublished",
    "date_published", "publishdate", "publish_date", "publish-date", "published-date",
    "published_date", "pubdate", "og:pubdate", "og:publish_date", "article.published",
    "originalpublicationdate", "dc.date.issued", "dcterms.issued", "dc.date.created",
    "dcterms.created", "dc.date", "dc:date", "dcterms.date", "citation_publication_date",
    "citation_date", "parsely-pub-date", "sailthru.date", "article:post_date", "date",
)  # fmt: skip
_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "blogposting",
    "techarticle", "scholarlyarticle", "socialmediaposting", "liveblogposting", "report",
    "pressrelease",
}  # fmt: skip
#: Blocks that hold other articles or the site's furniture, not the article's own dates.
_ELSEWHERE_TAGS = {"aside", "nav", "footer"}
_ELSEWHERE_NAMES = re.compile(
    r"related|recommend|popular|ranking|sidebar|read-?next|trending|more-?stories|also|pickup|"
    r"widget|comment|promo|newsletter|footer|breadcrumb|kanren|osusume",
    re.I,
)
_UPDATED = re.compile(r"updat|modif|revis|last|更新|修正|訂正", re.I)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
#: Printed dates with a year, in English and Japanese forms.
_PRINTED_DATES = [
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*年\s*(?P<month>[01]?\d)\s*月\s*(?P<day>[0-3]?\d)\s*日"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)[-/.](?P<month>[01]?\d)[-/.](?P<day>[0-3]?\d)\b"),
]
#: A dateline opening the main text: an optional place in capitals, the date, an optional
#: agency in brackets or slashes, then a dash.
_DATELINE_PLACE = r"^\s*(?:[A-Z][A-Z .'\u2019-]{1,40}(?:,\s*[A-Za-z .]{2,30})?,\s*)?"
#: Then the agency, and a hyphen (or two), an en dash or an em dash.
_DATELINE_END = r"\s*(?:\([^)]{1,40}\)|/[^/]{1,40}/)?\s*(?:-{1,2}|\u2013|\u2014)"
_DATELINES = [
    re.compile(rf"{_DATELINE_PLACE}{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?{_DATELINE_END}", re.I),
    re.compile(rf"{_DATELINE_PLACE}{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?{_DATELINE_END}", re.I),
]
_ISO = re.compile(
    r"^\s*(?P<year>\d{4})-?(?P<month>\d\d)-?(?P<day>\d\d)"
    r"(?:[T ](?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.\d+)?)?"
    r"\s*(?P<zone>Z|[+-]\d\d:?\d\d)?)?"
)
#: How many short lines before and after the headline make its block.
_HEADLINE_LINES_BEFORE, _HEADLINE_LINES_AFTER = 4, 12
#: A dateline opens one of the first lines of the main text.
_DATELINE_LINES = 3
#: A line this long is the article's text, where the headline block ends.
_BODY_LINE = 120


def published_at_read(
    tree: HtmlElement, *, text: str, fetched_at: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When the page (``tree``, with main text ``text``) says its article was published, as an
    aware UTC datetime: to the second where the page says so, midnight UTC for a day alone."""
    now = fetched_at or datetime.datetime.now(datetime.UTC)
    latest = now.date() + datetime.timedelta(days=1)
    for moment in (
        _from_meta(tree),
        _from_json_ld(tree),
        _from_microdata(tree),
        _from_headline_block(tree),
        _from_dateline(text, now),
    ):
        if moment is not None and _EARLIEST <= moment.date() <= latest:
            return moment
    return None


def _from_meta(tree: HtmlElement) -> datetime.datetime | None:
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if key in _PUBLISHED_META and content and key not in found:
            found[key] = content
    for key in _PUBLISHED_META:
        moment = _parse(found.get(key, ""))
        if moment is not None:
            return moment
    return None


def _from_json_ld(tree: HtmlElement) -> datetime.datetime | None:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip().removeprefix("<![CDATA[").removesuffix("]]>")
        try:
            document = json.loads(raw)
        except ValueError:
            continue
        for item in _top_level_items(document):
            types = item.get("@type")
            names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
            if {str(name).lower() for name in names} & _ARTICLE_TYPES:
                moment = _parse(str(item.get("datePublished") or ""))
                if moment is not None:
                    return moment
    return None


def _top_level_items(document: object) -> Iterator[dict[str, object]]:
    items = document if isinstance(document, list) else [document]
    for item in items:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (node for node in graph if isinstance(node, dict))


def _from_microdata(tree: HtmlElement) -> datetime.datetime | None:
    headline = _headline(tree)
    candidates = []
    for element in tree.xpath("//*[@itemprop]"):
        if "datepublished" not in element.get("itemprop", "").lower().split():
            continue
        if _elsewhere(element):
            continue
        value = element.get("content") or element.get("datetime") or element.text_content()
        moment = _parse(value or "") or _printed(value or "")
        if moment is None:
            continue
        scope = next((a for a in element.iterancestors() if a.get("itemscope") is not None), None)
        holds_headline = headline is not None and scope is not None and _contains(scope, headline)
        candidates.append((holds_headline, moment))
    if any(holds for holds, _ in candidates):
        return next(moment for holds, moment in candidates if holds)
    distinct = {moment for _, moment in candidates}
    return distinct.pop() if len(distinct) == 1 else None


def _from_headline_block(tree: HtmlElement) -> datetime.datetime | None:
    headline = _headline(tree)
    if headline is None:
        return None
    for element in _headline_block(tree, headline):
        if element.tag == "time":
            names = f"{element.get('class') or ''} {element.get('itemprop') or ''}"
            if _UPDATED.search(names) or _UPDATED.search(_label_before(element)):
                continue
            moment = _parse(element.get("datetime") or "") or _printed(element.text_content())
        else:
            moment = next(filter(None, map(_printed, _segments(_own_text(element)))), None)
        if moment is not None:
            return moment
    return None


def _headline_block(tree: HtmlElement, headline: HtmlElement) -> Iterator[HtmlElement]:
    """The short lines around the headline: those after it up to the first paragraph of the
    text, then those before it in the element that holds it (a kicker, a date above the title;
    not the site's own bar, which may print today's date)."""
    body = tree.find(".//body")
    elements = [e for e in (body if body is not None else tree).iter() if isinstance(e.tag, str)]
    index = next((n for n, e in enumerate(elements) if e is headline), None)
    if index is None:
        return
    lines = 0
    for element in elements[index + 1 :]:
        if _contains(headline, element) or _elsewhere(element):
            continue
        own = _own_text(element)
        if len(own) >= _BODY_LINE:
            break
        if own or element.tag == "time":
            yield element
            lines += 1
            if lines >= _HEADLINE_LINES_AFTER:
                break
    holder = headline.getparent()
    if holder is None or holder.tag == "body":
        return
    lines = 0
    for element in reversed(elements[:index]):
        if element is holder or not _contains(holder, element) or _elsewhere(element):
            continue
        own = _own_text(element)
        if len(own) >= _BODY_LINE:
            break
        if own or element.tag == "time":
            yield element
            lines += 1
            if lines >= _HEADLINE_LINES_BEFORE:
                break


#: Elements whose text is part of their parent's line, not a line of their own.
_INLINE = {"a", "span", "time", "b", "strong", "em", "i", "small", "abbr", "sup", "sub", "br"}


def _own_text(element: HtmlElement) -> str:
    """The element's line: its text and that of its inline children, not its block children's."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag in _INLINE:
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return " ".join(" ".join(parts).split())


def _label_before(element: HtmlElement) -> str:
    """The few characters before an inline element in its line ("Updated: " before a <time>)."""
    previous = element.getprevious()
    if previous is not None:
        text = previous.tail or ""
        if not text.strip() and isinstance(previous.tag, str):
            text = previous.text_content()
    else:
        parent = element.getparent()
        text = (parent.text if parent is not None else "") or ""
    return text[-24:]


#: Where a byline's parts meet: bars, middle dots, bullets, slashes (full-width ones too), and
#: before a word that says the next part is an update.
_SEGMENT_BREAK = re.compile(
    r"[|\u00b7\u2022\uff0f\uff5c]|\s/\s|(?=(?:last\s+)?updated|modified|最終更新|更新)", re.I
)


def _segments(line: str) -> list[str]:
    """A byline split into its parts, less the parts that say "updated"."""
    parts = _SEGMENT_BREAK.split(line)
    return [part for part in parts if part.strip() and not _UPDATED.search(part)]


def _from_dateline(text: str, now: datetime.datetime) -> datetime.datetime | None:
    # The main text may open with the headline or a byline: the dateline opens one of the first
    # lines, and only there.
    lines = [line[:200] for line in text.splitlines()[:_DATELINE_LINES]]
    match = next(
        filter(None, (pattern.match(line) for line in lines for pattern in _DATELINES)), None
    )
    if match is None:
        return None
    month = _MONTHS[match.group("month").lower()]
    day = int(match.group("day"))
    if match.group("year"):
        return _day(int(match.group("year")), month, day)
    today = now.date()
    for year in (today.year, today.year - 1):
        moment = _day(year, month, day)
        if moment is None or moment.date() > today + datetime.timedelta(days=1):
            continue
        recent = (today - moment.date()).days <= YEARLESS_DATELINE_DAYS
        return moment if recent else None
    return None


def _printed(line: str) -> datetime.datetime | None:
    for pattern in _PRINTED_DATES:
        match = pattern.search(line)
        if match is None:
            continue
        month = match.group("month")
        number = _MONTHS.get(month.lower()) if not month.isdigit() else int(month)
        if number:
            moment = _day(int(match.group("year")), number, int(match.group("day")))
            if moment is not None:
                return moment
    return None


def _parse(value: str) -> datetime.datetime | None:
    """An ISO 8601 or RFC 2822 timestamp as aware UTC (a missing zone is UTC, as stated)."""
    value = value.strip()
    if not value:
        return None
    match = _ISO.match(value)
    if match is None:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return _printed(value)
    else:
        parts = match.groupdict()
        try:
            moment = datetime.datetime(
                int(parts["year"]),
                int(parts["month"]),
                int(parts["day"]),
                int(parts["hour"] or 0),
                int(parts["minute"] or 0),
                int(parts["second"] or 0),
                tzinfo=_zone(parts["zone"]),
            )
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def _zone(value: str | None) -> datetime.tzinfo:
    if not value or value == "Z":
        return datetime.UTC
    sign = -1 if value[0] == "-" else 1
    digits = value[1:].replace(":", "")
    offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return datetime.timezone(sign * offset)


def _day(year: int, month: int, day: int) -> datetime.datetime | None:
    try:
        return datetime.datetime(year, month, day, tzinfo=datetime.UTC)
    except ValueError:
        return None


def _headline(tree: HtmlElement) -> HtmlElement | None:
    """The article's headline: the first <h1> inside <article> or <main>, else the first one."""
    for path in ("//article//h1", "//main//h1", "//h1"):
        found = tree.xpath(path)
        for element in found:
            if not _elsewhere(element):
                return element
    return None


def _elsewhere(element: HtmlElement) -> bool:
    """Whether ``element`` sits in a block of other articles or of the site's furniture."""
    for node in (element, *element.iterancestors()):
        if node.tag in _ELSEWHERE_TAGS:
            return True
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if names.strip() and _ELSEWHERE_NAMES.search(names):
            return True
    return False


def _contains(ancestor: HtmlElement, element: HtmlElement) -> bool:
    return element is ancestor or any(node is ancestor for node in element.iterancestors())
