"""A dataset's developer names find catalogue companies by name or alias, never by guessing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import Alias, Company
from apps.datasets.selectors import developer_companies, name_key
from tests.factories import company_make

pytestmark = pytest.mark.django_db

NAMES = ["meta ai", "Facebook AI Research", "google-deepmind", "Unknown Lab", "Shared Name"]


def test_organisation_names_are_compared_without_case_punctuation_or_width() -> None:
    assert name_key("Google  DeepMind") == name_key("google-deepmind")
    assert name_key("\uff2d\uff25\uff34\uff21 \uff21\uff29")  # full-width == "meta ai"


def test_developers_match_a_company_by_its_name_or_an_alias_and_nothing_is_created() -> None:
    meta = company_make(name="Meta")
    Alias.objects.create(company=meta, name="Facebook AI Research")
    Alias.objects.create(company=meta, name="Meta AI")
    google = company_make(name="Google DeepMind")
    both = company_make(name="Shared Name")
    Alias.objects.create(company=google, name="shared name")
    companies = Company.objects.count()

    with CaptureQueriesContext(connection) as queries:
        found = developer_companies(names=NAMES)

    assert found == {
        "meta ai": meta,
        "Facebook AI Research": meta,
        "google-deepmind": google,
        "Unknown Lab": None,
        "Shared Name": None,  # two companies answer to it: an editor decides
    }
    assert both.pk and len(queries.captured_queries) == 2
    assert Company.objects.count() == companies
