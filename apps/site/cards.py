"""Statement cards rendered once and kept in the cache, keyed by everything a card reads.

Rendering a card (site/_statement.html: its includes, translations, date formats, truncation)
is half the time of a timeline page (bench/README.md). A card's key is a digest of the rows it
is drawn from, as they were just read for this request: the statement's columns, its speaker,
its models, its citations with their sources and publishers, and the lab when the card names
it; with the reader's language and the code that draws it. So any edit to anything a card
shows (a summary, a model's name, a source's title, a publisher) gives another key, and no
cached card needs to be removed: stale ones are never asked for again and expire.

Every loaded column of those rows counts, not only the ones the template shows today, so a
card that starts showing another column needs no change here. Left out: generated columns
(derived from the others) and a source's archived text and response, which no card shows and
which are large.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache

from django.core.cache import cache as default_cache
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from apps.claims.models import Statement
from apps.lib.code_digest import code_digest

CARD_TEMPLATE = "site/_statement.html"
#: The templates and modules that draw a card: a change to any of them changes every key.
CARD_TEMPLATES = (CARD_TEMPLATE, "site/_stance.html", "site/_fallback.html")
CARD_MODULES = (
    "apps.site.cards",
    "apps.site.templatetags.aperture",
    "apps.lib.bilingual",
    "apps.lib.dates",
)
#: Large columns no card shows (a source's archive): kept out of the digest.
NOT_SHOWN = {"snapshot_text", "snapshot_raw"}
TIMEOUT_SECONDS = 7 * 24 * 60 * 60


@cache
def _columns(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if not isinstance(field, models.GeneratedField) and field.attname not in NOT_SHOWN
    )


def _row(obj: models.Model | None) -> tuple[object, ...] | None:
    """The loaded columns of a row (a deferred one is not read, which would be a query)."""
    if obj is None:
        return None
    loaded = obj.__dict__
    return (type(obj).__name__, *(loaded.get(name) for name in _columns(type(obj))))


def card_inputs(statement: Statement, *, show_company: bool) -> tuple[object, ...]:
    """Every row the card is drawn from (statements_for_display fetched them)."""
    return (
        _row(statement),
        _row(statement.company) if show_company else None,
        _row(statement.speaker),
        _row(statement.speaker.company) if statement.speaker else None,
        tuple(_row(model) for model in statement.ai_models.all()),
        tuple(
            (_row(citation), _row(citation.source), _row(citation.source.publisher))
            for citation in statement.citations.all()
        ),
    )


def card_key(statement: Statement, *, show_company: bool) -> str:
    inputs = (
        translation.get_language(),
        show_company,
        card_inputs(statement, show_company=show_company),
    )
    digest = hashlib.blake2b(repr(inputs).encode(), digest_size=20).hexdigest()
    return f"card:{code_digest(CARD_MODULES, CARD_TEMPLATES)}:{digest}"


def cards_render(
    statements: Sequence[Statement], *, show_company: bool = False
) -> list[SafeString]:
    """Each statement's card, from the cache or rendered and kept (one round trip each way)."""
    keys = [card_key(statement, show_company=show_company) for statement in statements]
    found = default_cache.get_many(keys)
    rendered: dict[str, str] = {}
    cards = []
    for key, statement in zip(keys, statements, strict=True):
        html = found.get(key)
        if html is None:
            html = render_to_string(
                CARD_TEMPLATE, {"statement": statement, "show_company": show_company}
            )
            rendered[key] = html
        # Our own template's output, as it was rendered: safe as the include would be.
        cards.append(mark_safe(html))  # noqa: S308
    if rendered:
        default_cache.set_many(rendered, TIMEOUT_SECONDS)
    return cards
