"""One evaluation run: a database of its own, the catalogue, the pages served on loopback, and
the real ingestion pipeline over them. Returns what the pipeline made of each page.

The database is created beside DATABASE_URL's (``<name>_eval``), copied from a migrated template
(PostgreSQL's CREATE DATABASE ... TEMPLATE, a file copy) and dropped at the end; the template is
the test run's own when `make test` has just built it (tests/support/databases.py), else one of
ours built once per state of the migrations. The catalogue is what a new site has: `manage.py
seed` and `manage.py seed_demo_datasets`. Each page is then queued and ingested exactly as the
worker does a pasted URL (services.article_urls_add, services.article_ingest: the safe fetch
client, extraction, language, dedupe, mentions, suggestions), with an address policy that allows
127.0.0.1 and nothing else.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import zlib
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.db.backends.utils import CursorWrapper

from evaluation.labels import PAGES, PageLabel
from evaluation.metrics import PageOutcome, SuggestionSeen

_LOOPBACK = ipaddress.ip_address("127.0.0.1")
#: Pages served without a charset in their Content-Type: the page's own <meta charset> tells.
_NO_CHARSET_SITES = ("AIのいま",)


def _loopback_only(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address == _LOOPBACK


def _exists(cursor: CursorWrapper, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _template(cursor: CursorWrapper, own: str) -> str:
    """A migrated, empty database to copy: the test run's, or ours (built here if need be)."""
    from tests.support.databases import migrations_fingerprint, template_name_for

    fingerprint = migrations_fingerprint()
    test_name = connection.creation._get_test_db_name()  # type: ignore[attr-defined]
    tests_template = template_name_for(test_name, fingerprint)
    if _exists(cursor, tests_template):
        return tests_template
    template = f"{own}_tpl_{fingerprint}"
    if _exists(cursor, template):
        return template
    cursor.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s",
        [f"{own}_tpl_".replace("_", r"\_") + "%"],
    )
    for (stale,) in cursor.fetchall():
        cursor.execute(f'DROP DATABASE IF EXISTS "{stale}"')
    scratch = f"{template}_building"
    cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    cursor.execute(f'CREATE DATABASE "{scratch}"')
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = scratch
    try:
        call_command("migrate", verbosity=0, interactive=False)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
    cursor.execute(f'ALTER DATABASE "{scratch}" RENAME TO "{template}"')
    return template


@contextlib.contextmanager
def own_database(suffix: str = "eval") -> Iterator[str]:
    """A fresh, migrated database beside the configured one (``<name>_<suffix>``), the default
    for the duration. The soak (bench/soak) uses it too, with its own suffix."""
    if connection.vendor != "postgresql":
        raise SystemExit(f"make {suffix} needs PostgreSQL (DATABASE_URL).")
    original = connection.settings_dict["NAME"]
    name = f"{original}_{suffix}"
    with connection._nodb_cursor() as cursor:
        lock = zlib.crc32(name.encode())
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
        try:
            template = _template(cursor, name)
            # The lock of tests/support/databases.py: no test run copies the template meanwhile.
            cursor.execute("SELECT pg_advisory_lock(%s)", [zlib.crc32(template.encode())])
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            cursor.execute("SELECT pg_advisory_unlock(%s)", [zlib.crc32(template.encode())])
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield name
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection._nodb_cursor() as cursor:
            # FORCE: a session a crashed run left open (another thread's, a child's) must not
            # keep our scratch database alive.
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def catalogue_load() -> None:
    """The catalogue of a new site: the seed record and the three demo datasets."""
    quiet = io.StringIO()  # both report what they loaded; the table is what matters here
    call_command("seed", verbosity=0, stdout=quiet)
    call_command("seed_demo_datasets", verbosity=0, stdout=quiet)


def catalogue_unknown(labels: list[PageLabel]) -> list[str]:
    """Labs and models the labels name that the loaded catalogue does not hold (typos)."""
    from apps.catalog.models import AIModel, Company

    slugs = set(Company.objects.values_list("slug", flat=True))
    names = set(AIModel.objects.values_list("name", flat=True))
    return sorted(
        {f"{label.file}: lab {slug!r}" for label in labels for slug in label.labs - slugs}
        | {f"{label.file}: model {name!r}" for label in labels for name in label.models - names}
    )


def pages_ingest(labels: list[PageLabel], pages: Path = PAGES) -> list[PageOutcome]:
    """Serve every labelled page on 127.0.0.1, ingest each in label order, read the outcomes."""
    from apps.ingest import cache, services
    from tests.support.httpserver import LocalHTTPServer

    cache.forget()
    results: dict[str, tuple[int | None, str]] = {}
    with LocalHTTPServer() as server:
        for label in labels:
            body = (pages / label.file).read_bytes()
            plain = any(site.encode() in body for site in _NO_CHARSET_SITES)
            server.route(
                f"/{label.file}",
                body=body,
                content_type="text/html" if plain else "text/html; charset=utf-8",
            )
        for label in labels:
            queued, refused = services.article_urls_add(urls=[server.url(f"/{label.file}")])
            if refused:
                results[label.file] = (None, f"refused: {refused[0][1]}")
                continue
            result = services.article_ingest(
                article_url_id=queued[0].pk, address_policy=_loopback_only
            )
            results[label.file] = (result.article_id, result.message)
    return [_outcome(label.file, *results[label.file]) for label in labels]


def _outcome(file: str, article_id: int | None, message: str) -> PageOutcome:
    from apps.ingest.models import Article

    if article_id is None:
        return PageOutcome(file, None, error=message)
    article = Article.objects.get(pk=article_id)
    labs: set[str] = set()
    models: set[str] = set()
    for mention in article.mentions.select_related("company", "ai_model__developer"):
        if mention.company is not None:
            labs.add(mention.company.slug)
        if mention.ai_model is not None:
            models.add(mention.ai_model.name)
            labs.add(mention.ai_model.developer.slug)
    suggestions = []
    for suggestion in article.suggestions.select_related("company").prefetch_related("ai_models"):
        labs.add(suggestion.company.slug)
        models.update(model.name for model in suggestion.ai_models.all())
        suggestions.append(
            SuggestionSeen(
                suggestion.company.slug, suggestion.stance, suggestion.score, suggestion.start
            )
        )
    return PageOutcome(
        file=file,
        article_id=article_id,
        language=article.language,
        published_at=article.published_at,
        labs=frozenset(labs),
        models=frozenset(models),
        suggestions=tuple(suggestions),
    )
