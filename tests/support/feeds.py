"""Feeds and pages for ingestion tests: the demo articles, and RSS feeds that link to them."""

from __future__ import annotations

from pathlib import Path

from tests.support.httpserver import LocalHTTPServer

__all__ = ["DEMO", "demo_page", "rss", "serve_story"]

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
