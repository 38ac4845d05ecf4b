"""ClaimReview JSON-LD on statement pages, checked against schema.org's vocabulary.

The vocabulary is a subset of schema.org release 12.0's own definitions file, committed in
tests/data/ (see its README and tests/support/schemaorg.py for how it was cut).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from apps.claims import services
from apps.claims.models import Statement
from tests.factories import company_make, statement_make
from tests.support.schemaorg import USED_TYPES, jsonld_problems, vocabulary_load

pytestmark = pytest.mark.django_db

VOCABULARY = vocabulary_load(
    Path(__file__).resolve().parents[1] / "data" / "schemaorg-12.0-subset.jsonld"
)
SCRIPT = re.compile(r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', re.S)


def json_ld(html: str) -> list[dict[str, Any]]:
    return [json.loads(text) for _nonce, text in SCRIPT.findall(html)]


def by_key(key: str) -> Statement:
    return Statement.objects.get(import_key=key)


def review_of(client: Client, statement: Statement) -> dict[str, Any]:
    [data] = json_ld(client.get(statement.get_absolute_url()).content.decode())
    return data


def test_the_vocabulary_subset_holds_what_the_reviews_use() -> None:
    assert {"Review", "CreativeWork", "Thing"} <= VOCABULARY.ancestors("ClaimReview")
    assert "Intangible" in VOCABULARY.ancestors("Rating")
    for name in USED_TYPES:
        assert VOCABULARY.is_class(name), name
    assert "Claim" in VOCABULARY.domains["appearance"]
    assert VOCABULARY.ranges["reviewRating"] == ["Rating"]


@pytest.mark.parametrize("key", ["meta-2025-nyt-closed-report", "openai-2025-more-closed-analysis"])
def test_a_report_or_analysis_carries_a_claim_review_valid_in_schema_orgs_vocabulary(
    client: Client, seeded: None, key: str
) -> None:
    statement = by_key(key)
    data = review_of(client, statement)
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    body = {k: v for k, v in data.items() if k != "@context"}
    assert jsonld_problems(body, VOCABULARY) == []
    assert data["url"] == settings.SITE_URL + statement.get_absolute_url()
    assert data["claimReviewed"] == statement.summary
    assert data["author"] == {
        "@type": "Organization",
        "name": "Aperture",
        "url": settings.SITE_URL + "/",
    }
    assert data["reviewRating"] == {
        "@type": "Rating",
        "alternateName": statement.get_verification_display(),
    }
    assert statement.get_stance_display() in data["reviewBody"]
    claim = data["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["about"] == {"@type": "Organization", "name": statement.company.name}
    sources = [c.source for c in statement.citations.all()]
    assert [a["url"] for a in claim["appearance"]] == [s.url for s in sources]
    assert claim["datePublished"] == statement.occurred_on.isoformat()


def test_a_report_from_unnamed_sources_is_the_claim_of_the_publication_that_first_ran_it(
    client: Client, seeded: None
) -> None:
    report = by_key("meta-2025-nyt-closed-report")
    claim = review_of(client, report)["itemReviewed"]
    assert claim["author"] == {"@type": "Organization", "name": "The New York Times"}
    assert claim["firstAppearance"]["publisher"]["name"] == "The New York Times"


@pytest.mark.parametrize(
    "key",
    [
        "meta-2025-spokesperson-reply",  # the lab's own words: nothing to fact-check
        "meta-2025-llama-4-release",  # an act
        "meta-2024-open-source-letter",  # an executive's remark
    ],
)
def test_a_labs_own_words_or_acts_carry_no_claim_review(
    client: Client, seeded: None, key: str
) -> None:
    html = client.get(by_key(key).get_absolute_url()).content.decode()
    assert "application/ld+json" not in html


def test_a_retracted_report_withdraws_its_claim_review(
    client: Client, seeded: None, reviewer: User
) -> None:
    report = by_key("meta-2025-nyt-closed-report")
    services.statement_retract(statement=report, user=reviewer, reason="Misread the source")
    html = client.get(report.get_absolute_url()).content.decode()
    assert "Misread the source" in html and "application/ld+json" not in html


def test_the_claim_review_speaks_the_pages_language(client: Client, seeded: None) -> None:
    report = by_key("meta-2025-nyt-closed-report")
    client.cookies["django_language"] = "ja"
    with translation.override("ja"):
        path = reverse("statement", kwargs={"pk": report.pk})
        verdict = str(report.get_verification_display())
        stance = str(report.get_stance_display())
    [data] = json_ld(client.get(path).content.decode())
    assert data["inLanguage"] == "ja"
    assert data["reviewRating"]["alternateName"] == verdict != report.verification
    assert stance in data["reviewBody"] and "種類" in data["reviewBody"]
    assert jsonld_problems({k: v for k, v in data.items() if k != "@context"}, VOCABULARY) == []


def test_a_named_speaker_is_the_claims_author_with_role_and_employer(client: Client) -> None:
    from apps.catalog.models import Person

    lab = company_make(name="Analysts Inc")
    speaker = Person.objects.create(name="Ada Analyst", slug="ada", role="Analyst", company=lab)
    item = statement_make(
        company=company_make(name="Some Lab"),
        kind="analysis",
        verification="disputed",
        speaker=speaker,
        publish=True,
    )
    data = review_of(client, item)
    assert data["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Ada Analyst",
        "jobTitle": "Analyst",
        "worksFor": {"@type": "Organization", "name": "Analysts Inc"},
    }
    assert data["reviewRating"]["alternateName"] == "disputed"
    assert jsonld_problems({k: v for k, v in data.items() if k != "@context"}, VOCABULARY) == []


def test_text_in_the_record_cannot_close_the_script_element(client: Client) -> None:
    hostile = "</script><script>alert(1)</script> & <!-- x"
    item = statement_make(
        company=company_make(), kind="unnamed_report", summary=hostile, publish=True
    )
    response = client.get(item.get_absolute_url())
    html = response.content.decode()
    [(nonce, text)] = SCRIPT.findall(html)
    assert "<" not in text and ">" not in text
    assert json.loads(text)["claimReviewed"] == hostile
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


# The check itself: each of these departures from the vocabulary must be caught.
VALID = {
    "@type": "ClaimReview",
    "url": "https://aperture.example/statements/1/",
    "datePublished": "2025-07-15",
    "author": {"@type": "Organization", "name": "Aperture"},
    "claimReviewed": "A claim",
    "itemReviewed": {"@type": "Claim", "datePublished": "2025-07", "appearance": []},
    "reviewRating": {"@type": "Rating", "alternateName": "reported"},
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(claimRated="x"), "claimRated is not a schema.org property"),
        (lambda d: d.update({"@type": "FactCheck"}), "FactCheck is not a schema.org type"),
        (
            lambda d: d["author"].update(jobTitle="Editor"),
            "jobTitle is not a property of Organization",
        ),
        (
            lambda d: d.update(reviewRating={"@type": "Organization", "name": "x"}),
            "a Organization is not in the range of reviewRating",
        ),
        (lambda d: d.update(datePublished="15 July 2025"), "does not fit"),
        (lambda d: d.update(url="not a link"), "does not fit"),
        (
            lambda d: d["author"].update(employees=[]),
            "employees is superseded",
        ),
    ],
)
def test_the_vocabulary_check_catches_each_kind_of_mistake(change: Any, problem: str) -> None:
    assert jsonld_problems(VALID, VOCABULARY) == []
    data = copy.deepcopy(VALID)
    change(data)
    problems = jsonld_problems(data, VOCABULARY)
    assert any(problem in p for p in problems), problems
