"""Feeds and pages for ingestion tests: the demo articles, and RSS feeds that link to them."""

from __future__ import annotations

import random
from pathlib import Path

from tests.support.httpserver import LocalHTTPServer

__all__ = ["DEMO", "demo_page", "distinct_story", "rss", "serve_story", "unique_prose"]

DEMO = Path(__file__).resolve().parents[2] / "apps" / "ingest" / "demo"


def demo_page(name: str) -> bytes:
    return (DEMO / "articles" / name).read_bytes()


def rss(server: LocalHTTPServer, *paths: str, extra: str = "") -> bytes:
    """An RSS 2.0 feed whose items link to ``paths`` on ``server``."""
    items = "".join(
        f"<item><title>Item {n}</title><link>{server.url(p)}</link>"
        f"<guid isPermaLink='false'>item-{n}</guid></item>"
        for n, p in enumerate(paths)
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Test feed</title><link>{server.url('/')}</link>{items}{extra}</channel></rss>"
    ).encode()


def serve_story(server: LocalHTTPServer) -> list[str]:
    """The English and Japanese demo story pages; returns their paths."""
    server.route("/en", body=demo_page("meta-open-closed-en.html"))
    server.route("/ja", body=demo_page("meta-open-closed-ja.html"))
    return ["/en", "/ja"]


#: Words that name no lab, model or person, for prose that links to nothing.
_NEUTRAL_WORDS = (
    "harbour", "weather", "market", "river", "council", "bridge", "library", "festival",
    "garden", "railway", "morning", "season", "village", "orchestra", "museum", "bakery",
    "ferry", "island", "mountain", "school", "street", "lantern", "coastline", "meadow", "tram",
    "umbrella", "kitchen", "theatre", "archive", "violin", "harvest", "quarry", "lighthouse",
    "bicycle", "cottage", "pottery", "canal", "orchard", "workshop", "painter", "tailor",
    "chapel", "granary", "windmill",
)  # fmt: skip
_NEUTRAL_KANA = (
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
)


def unique_prose(seed: object, *, words: int = 250, language: str = "en") -> str:
    """Prose of ``words`` words (characters in Japanese) that no other seed repeats and that
    mentions nothing ingestion links: enough to make pages that share a template different
    stories to the near-duplicate check (apps/ingest/near_duplicates.py)."""
    chooser = random.Random(str(seed))
    if language == "ja":
        return "".join(chooser.choice(_NEUTRAL_KANA) for _ in range(words)) + "。"
    return " ".join(chooser.choice(_NEUTRAL_WORDS) for _ in range(words)).capitalize() + "."


def distinct_story(page: bytes, seed: object, *, language: str = "en") -> bytes:
    """``page`` made a story of its own: a paragraph of :func:`unique_prose` after its
    headline. (A page that differs by a line only is a syndicated copy, stored once.)"""
    paragraph = f"<p>{unique_prose(seed, language=language)}</p>"
    return page.replace(b"</h1>", b"</h1>" + paragraph.encode(), 1)
