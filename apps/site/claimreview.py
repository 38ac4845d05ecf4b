"""schema.org ClaimReview JSON-LD for a statement page, where the statement is one.

A ClaimReview is a fact-check: someone made a claim, and the reviewer says how far it holds.
Aperture is that only for a claim made *about* a lab by someone else, a report from unnamed
sources or an analysis, whose verification (confirmed, reported, disputed, denied) is
Aperture's verdict on whether it holds. A lab's own words or acts are not reviewed claims: that
Meta's spokesperson said Meta would keep releasing open models is confirmed, but that makes no
verdict on the promise. Those pages carry no ClaimReview. Nor does a retracted statement: the
review is withdrawn.

The stance (open … closed) is Aperture's reading of what the claim says about openness, not a
verdict on its truth, so it is not the rating: reviewRating.alternateName is the verification,
in the page's language, and the stance is said in reviewBody. docs/citing-and-embedding.md has
the whole mapping and the reasons; tests/site/test_claimreview.py checks the output against
schema.org's vocabulary.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.catalog.models import Source
from apps.claims.models import EditorialState, Statement, StatementKind
from apps.lib.bilingual import text_for_reader
from apps.lib.dates import date_format_at_precision

#: Claims made about a lab by others, whose verification is a verdict on whether they hold.
REVIEWED_KINDS = (StatementKind.UNNAMED_REPORT, StatementKind.ANALYSIS)


def json_ld(data: dict[str, Any] | None) -> SafeString:
    """JSON for a <script type="application/ld+json">, escaped as json_script escapes, so no
    text in the record can close the element; empty for None."""
    if data is None:
        return mark_safe("")
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above


def _organization(name: str, url: str = "") -> dict[str, Any]:
    return {"@type": "Organization", "name": name, **({"url": url} if url else {})}


def _appearance(source: Source) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": source.url, "headline": source.title}
    if source.language:
        work["inLanguage"] = source.language
    if source.publisher is not None:
        work["publisher"] = _organization(source.publisher.name)
    if source.published_at is not None:
        work["datePublished"] = source.published_at.date().isoformat()
    return work


def _claim_author(item: Statement, sources: list[Source]) -> dict[str, Any] | None:
    """Who made the claim: the named speaker, else the publisher that first carried it (a
    report from unnamed sources is its publication's claim); None when neither is known."""
    if item.speaker is not None:
        person: dict[str, Any] = {"@type": "Person", "name": item.speaker.name}
        if item.speaker.role:
            person["jobTitle"] = item.speaker.role
        if item.speaker.company is not None:
            person["worksFor"] = _organization(item.speaker.company.name)
        return person
    published = [s for s in sources if s.publisher is not None]
    if not published:
        return None
    first = min(published, key=lambda s: (s.published_at is None, s.published_at, s.pk))
    assert first.publisher is not None
    return _organization(first.publisher.name)


def claim_review(item: Statement) -> dict[str, Any] | None:
    """The ClaimReview of a published report or analysis; None for any other statement."""
    if item.kind not in REVIEWED_KINDS or item.state != EditorialState.PUBLISHED:
        return None
    sources = [c.source for c in item.citations.all()]
    claim: dict[str, Any] = {
        "@type": "Claim",
        "datePublished": date_format_at_precision(item.occurred_on, item.date_precision),
        "about": _organization(item.company.name),
        "appearance": [_appearance(s) for s in sources],
    }
    author = _claim_author(item, sources)
    if author is not None:
        claim["author"] = author
    dated = [s for s in sources if s.published_at is not None]
    if dated:
        claim["firstAppearance"] = _appearance(min(dated, key=lambda s: (s.published_at, s.pk)))
    verdict = str(item.get_verification_display())
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": settings.SITE_URL + item.get_absolute_url(),
        "inLanguage": get_language() or settings.LANGUAGE_CODE,
        "datePublished": (item.published_at or item.created_at).date().isoformat(),
        "dateModified": item.updated_at.isoformat(),
        "author": _organization("Aperture", settings.SITE_URL + "/"),
        # In the page's language when an editor wrote it (apps/lib/bilingual.py).
        "claimReviewed": text_for_reader(item, "summary").text,
        "itemReviewed": claim,
        "reviewRating": {"@type": "Rating", "alternateName": verdict},
        "reviewBody": _(
            "Kind: %(kind)s. Verification: %(verification)s. What it says about releasing AI "
            "models openly: %(stance)s."
        )
        % {
            "kind": item.get_kind_display(),
            "verification": verdict,
            "stance": item.get_stance_display(),
        },
    }
