"""Only sentences the stance reader finds an openness cue in become suggestions (issue 13): a
funding round that "closed", a phone "released" or a report "公開" name a lab but are not
statements about its openness."""

from __future__ import annotations

import pytest

from apps.ingest.models import Suggestion
from tests.ingest.test_learning import ingest
from tests.support.httpserver import LocalHTTPServer

pytestmark = pytest.mark.django_db

NOT_CLAIMS = [
    "Anthropic closed a $2 billion funding round on Friday, people briefed on the deal said.",
    "Meta released a new pair of smart glasses in September.",
    "OpenAIは、国内企業の導入事例をまとめた報告書を公開した。",
]
CLAIM = "Meta said it will keep releasing Llama models under an open licence."


def test_a_lab_named_beside_an_openness_word_in_another_sense_is_not_suggested(
    http_server: LocalHTTPServer, seeded: None, allow_private: None
) -> None:
    ingest(http_server, "/news", *NOT_CLAIMS, CLAIM)
    assert list(Suggestion.objects.values_list("sentence", flat=True)) == [CLAIM]
