"""The near-duplicate pairs of tests/ingest/data/near_duplicates/ (see its README), read and
rendered as whole pages: each site has its own layout, so two copies of one story differ in
their navigation, share bars, related links and footers as they do on the web."""

from __future__ import annotations

import html
import zlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DATA", "Pair", "PairPage", "pairs_read"]

DATA = Path(__file__).resolve().parents[1] / "ingest" / "data" / "near_duplicates"


@dataclass(frozen=True)
class PairPage:
    site: str
    title: str
    byline: str
    note: str
    paragraphs: tuple[str, ...]

    def html(self, *, language: str) -> bytes:
        layout = _LAYOUTS[zlib.crc32(self.site.encode()) % len(_LAYOUTS)]
        return layout(self, language).encode("utf-8")


@dataclass(frozen=True)
class Pair:
    id: str
    language: str
    a: PairPage
    b: PairPage


def pairs_read(name: str) -> list[Pair]:
    """The pairs of ``<name>.txt``."""
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    pairs = []
    for block in text.split("######## ")[1:]:
        identifier, _, rest = block.partition("\n")
        sides = rest.split("=== ")[1:]
        assert [side[:1] for side in sides] == ["a", "b"], identifier
        a, b = (_page(side.partition("\n")[2]) for side in sides)
        pairs.append(Pair(identifier.strip(), identifier[:2], a, b))
    return pairs


def _page(text: str) -> PairPage:
    header, _, body = text.partition("\n---\n")
    fields = dict(line.split(": ", 1) for line in header.strip().splitlines())
    paragraphs = tuple(p.strip() for p in body.strip().split("\n\n") if p.strip())
    return PairPage(
        site=fields["site"],
        title=fields["title"],
        byline=fields.get("byline", ""),
        note=fields.get("note", ""),
        paragraphs=paragraphs,
    )


def _paragraphs(page: PairPage) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in page.paragraphs)


def _news(page: PairPage, language: str) -> str:
    e = html.escape
    return (
        f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<title>{e(page.title)} | {e(page.site)}</title>"
        f"<meta property='og:site_name' content='{e(page.site)}'></head><body>"
        f"<header class='site'><a href='/'>{e(page.site)}</a><nav><a href='/world'>World</a> "
        "<a href='/business'>Business</a> <a href='/tech'>Technology</a> "
        "<a href='/markets'>Markets</a></nav></header><main><article>"
        f"<h1>{e(page.title)}</h1><p class='byline'>{e(page.byline)}</p>"
        f"{_paragraphs(page)}"
        + (f"<p class='note'>{e(page.note)}</p>" if page.note else "")
        + "<div class='share'>Share: <a href='/s/x'>X</a> <a href='/s/mail'>Email</a></div>"
        "</article><aside class='related'><h2>More in Technology</h2><ul>"
        "<li><a href='/t/1'>Chipmakers race to meet demand for AI servers</a></li>"
        "<li><a href='/t/2'>Streaming service tests new pricing in Asia</a></li>"
        "<li><a href='/t/3'>Satellite start-up wins launch contract</a></li></ul></aside></main>"
        f"<footer><p>© {e(page.site)}. All rights reserved.</p><a href='/terms'>Terms</a> "
        "<a href='/privacy'>Privacy</a></footer></body></html>"
    )


def _portal(page: PairPage, language: str) -> str:
    e = html.escape
    return (
        f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<title>{e(page.title)} - {e(page.site)}</title></head><body>"
        f"<div id='top'><a href='/'>{e(page.site)}</a><form action='/search'>"
        "<input name='q'></form><ul class='trending'><li><a href='/n/1'>Weather</a></li>"
        "<li><a href='/n/2'>Sports</a></li><li><a href='/n/3'>Entertainment</a></li></ul></div>"
        f"<div class='content'><div class='article-body'><h1>{e(page.title)}</h1>"
        f"<div class='meta'><span>{e(page.byline)}</span></div>"
        + (f"<p class='source'>{e(page.note)}</p>" if page.note else "")
        + f"{_paragraphs(page)}</div>"
        "<div class='ranking'><h3>Most read</h3><ol><li><a href='/r/1'>Celebrity wedding "
        "photos</a></li><li><a href='/r/2'>Train delays expected this weekend</a></li>"
        "<li><a href='/r/3'>New smartphone goes on sale</a></li></ol></div></div>"
        f"<div id='footer'>{e(page.site)} · <a href='/help'>Help</a> · "
        "<a href='/ads'>Advertise</a></div></body></html>"
    )


def _blog(page: PairPage, language: str) -> str:
    e = html.escape
    return (
        f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<title>{e(page.title)}</title></head><body><div class='blog-header'>"
        f"<a href='/'>{e(page.site)}</a> <a href='/about'>About</a> <a href='/rss'>RSS</a>"
        f"</div><div class='post'><h1 class='post-title'>{e(page.title)}</h1>"
        f"<div class='post-meta'>{e(page.byline)}</div><div class='post-body'>"
        f"{_paragraphs(page)}</div>"
        + (f"<div class='post-footer'><p>{e(page.note)}</p></div>" if page.note else "")
        + "</div><div class='comments'><h3>2 comments</h3><p>Great write-up, thanks.</p>"
        "<p>Does anyone know when the next release is?</p></div>"
        f"<div class='sidebar'><h4>Archives</h4><a href='/2025/07'>July</a> "
        f"<a href='/2025/06'>June</a></div><p class='copyright'>© {e(page.site)}</p>"
        "</body></html>"
    )


_LAYOUTS = (_news, _portal, _blog)
