"""Linking an article's text to the catalogue: rules for common words, spelling variants,
families, names without their family prefix, and people who speak for a lab."""

from __future__ import annotations

import pytest

from apps.catalog.models import AIModel, Alias, Company, ModelFamily, Person
from apps.catalog.naming import MatchRule
from apps.catalog.services import model_family_get_or_create
from apps.ingest import cache
from apps.ingest.linking import Matcher, Span
from apps.ingest.models import Article
from apps.ingest.names import matcher_build
from apps.ingest.services.suggestions import mentions_link, suggestions_make
from tests.factories import company_make, model_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> dict[str, object]:
    """Labs whose families and models include ordinary words, as imported datasets give them."""
    microsoft = company_make(name="Microsoft")
    tii = company_make(name="Technology Innovation Institute")
    Alias.objects.create(company=tii, name="TII")
    cohere = company_make(name="Cohere")
    meta = company_make(name="Meta")
    Alias.objects.create(company=meta, name="メタ", language="ja")
    google = company_make(name="Google")
    openai = company_make(name="OpenAI")
    phi = model_family_get_or_create(name="Phi", developer=microsoft)
    falcon = model_family_get_or_create(name="Falcon", developer=tii)
    llama = model_family_get_or_create(name="Llama 4", developer=meta)
    gemma = model_family_get_or_create(name="Gemma", developer=google)
    gemma_7b = model_make(developer=google, name="Gemma 7B", family=gemma)
    Alias.objects.create(model=gemma_7b, name="Gemma")  # a family name kept on one member
    things: dict[str, object] = {
        "microsoft": microsoft,
        "tii": tii,
        "cohere": cohere,
        "meta": meta,
        "phi": phi,
        "falcon": falcon,
        "llama": llama,
        "gemma": gemma,
        "gemma_7b": gemma_7b,
        "command": model_make(developer=cohere, name="Command"),
        "behemoth": model_make(developer=meta, name="Llama 4 Behemoth", family=llama),
        "scout": model_make(developer=meta, name="Llama 4 Scout", family=llama),
        "gpt4o": model_make(developer=openai, name="GPT-4o"),
        "zuckerberg": Person.objects.create(
            name="Mark Zuckerberg", slug="mark-zuckerberg", company=meta, role="CEO"
        ),
    }
    return things


def _found(matcher: Matcher, text: str) -> list[tuple[str, str, int]]:
    """(matched text, what it names, its id) for each span, checked against the offsets."""
    spans: list[Span] = matcher.find(text)
    for span in spans:
        assert text[span.start : span.end] == span.matched
    return [
        (
            span.matched,
            span.name.kind,
            span.name.model_id or span.name.family_id or span.name.company_id or 0,
        )
        for span in spans
    ]


@pytest.mark.parametrize(
    "text",
    [
        "We computed the phi coefficient of the two variables.",
        "A falcon flew over the stadium before the match.",
        "We need more command of the facts before we decide.",
        "Command of the fleet passed to the admiral on Monday.",
        "Phi, the golden ratio, turns up in sunflowers.",
        "A Falcon Flew Over The City, Witnesses Say",
    ],
)
def test_an_ordinary_word_in_prose_links_nothing(catalogue: dict[str, object], text: str) -> None:
    assert _found(matcher_build(), text) == []


def test_a_common_word_name_links_near_its_lab_or_before_a_version_number(
    catalogue: dict[str, object],
) -> None:
    phi, falcon = catalogue["phi"], catalogue["falcon"]
    matcher = matcher_build()
    assert ("Phi", "family", phi.pk) in _found(matcher, "Microsoft's Phi is small but capable.")  # type: ignore[attr-defined]
    assert _found(matcher, "Phi-3 beats larger models.") == [("Phi", "family", phi.pk)]  # type: ignore[attr-defined]
    assert _found(matcher, "Falcon 180B was released openly.") == [
        ("Falcon", "family", falcon.pk)  # type: ignore[attr-defined]
    ]
    assert ("Falcon", "family", falcon.pk) in _found(  # type: ignore[attr-defined]
        matcher, "TII said Falcon would stay open."
    )
    # The lab named in another sentence is not near enough.
    assert _found(matcher, "Microsoft spoke first. Phi is small.") == [
        ("Microsoft", "company", catalogue["microsoft"].pk)  # type: ignore[attr-defined]
    ]


def test_an_editors_rule_is_the_one_applied(catalogue: dict[str, object]) -> None:
    phi = catalogue["phi"]
    text = "We computed the phi coefficient."
    assert _found(matcher_build(), text) == []
    ModelFamily.objects.filter(pk=phi.pk).update(match_rule=MatchRule.ANYWHERE)  # type: ignore[attr-defined]
    assert _found(matcher_build(), text) == [("phi", "family", phi.pk)]  # type: ignore[attr-defined]
    alias = Alias.objects.create(family=phi, name="PHI", match_rule=MatchRule.EXACT_CASE)  # type: ignore[misc]
    ModelFamily.objects.filter(pk=phi.pk).update(match_rule=MatchRule.NEAR_LAB)  # type: ignore[attr-defined]
    text = "PHI shipped today. The phi coefficient is high. Phi matters."
    assert _found(matcher_build(), text) == [("PHI", "family", phi.pk)]  # type: ignore[attr-defined]
    assert alias.match_rule == MatchRule.EXACT_CASE


def test_space_hyphen_and_no_separator_variants_link_with_their_own_offsets(
    catalogue: dict[str, object],
) -> None:
    llama, gpt4o = catalogue["llama"].pk, catalogue["gpt4o"].pk  # type: ignore[attr-defined]
    text = "Meta compared Llama-4, Llama4 and LLAMA 4 with GPT 4o and gpt4o, not Llama 4.1."
    found = _found(matcher_build(), text)
    assert found == [
        ("Meta", "company", catalogue["meta"].pk),  # type: ignore[attr-defined]
        ("Llama-4", "family", llama),
        ("Llama4", "family", llama),
        ("LLAMA 4", "family", llama),
        ("GPT 4o", "model", gpt4o),
        ("gpt4o", "model", gpt4o),
    ]


def _full_width(ascii_text: str) -> str:
    """The full-width forms Japanese text often writes Latin letters and digits in."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in ascii_text)


def test_full_width_letters_and_digits_in_japanese_link_at_their_offsets_in_the_original(
    catalogue: dict[str, object],
) -> None:
    behemoth, gpt4o = _full_width("Llama 4 Behemoth"), _full_width("GPT-4o")
    text = f"メタは「{behemoth}」の公開を見送り、{gpt4o}と比べた。"
    spans = matcher_build().find(text)
    assert [(s.start, s.end, s.matched) for s in spans] == [
        (0, 2, "メタ"),
        (text.index(behemoth), text.index(behemoth) + len(behemoth), behemoth),
        (text.index(gpt4o), text.index(gpt4o) + len(gpt4o), gpt4o),
    ]
    assert [s.name.model_id for s in spans[1:]] == [
        catalogue["behemoth"].pk,  # type: ignore[attr-defined]
        catalogue["gpt4o"].pk,  # type: ignore[attr-defined]
    ]


def test_a_model_without_its_family_prefix_links_after_its_family_or_lab_was_named(
    catalogue: dict[str, object],
) -> None:
    behemoth, scout = catalogue["behemoth"].pk, catalogue["scout"].pk  # type: ignore[attr-defined]
    matcher = matcher_build()
    found = _found(matcher, "Meta trained Llama 4 models. Behemoth was shelved; Scout shipped.")
    assert ("Behemoth", "model", behemoth) in found and ("Scout", "model", scout) in found
    # Nothing named the family or the lab just before: an ordinary word stays one.
    assert _found(matcher, "The behemoth of a budget passed. A Scout troop camped nearby.") == []
    far = "Meta spoke. The weather was fine. The roads were dry. Behemoth was shelved."
    assert [kind for _t, kind, _id in _found(matcher, far)] == ["company"]


def test_a_family_name_links_to_the_family_not_to_one_of_its_models(
    catalogue: dict[str, object],
) -> None:
    gemma, llama = catalogue["gemma"].pk, catalogue["llama"].pk  # type: ignore[attr-defined]
    matcher = matcher_build()
    assert _found(matcher, "Google widened the Gemma family.")[-1] == ("Gemma", "family", gemma)
    assert _found(matcher, "GoogleはGemmaシリーズを公開した。")[-1] == ("Gemma", "family", gemma)
    assert _found(matcher, "the Llama 4 family") == [("Llama 4", "family", llama)]
    assert _found(matcher, "Gemma 7B is small.") == [
        ("Gemma 7B", "model", catalogue["gemma_7b"].pk)  # type: ignore[attr-defined]
    ]


def _article(text: str) -> Article:
    return Article.objects.create(
        url=f"https://news.example/{abs(hash(text))}",
        title="",
        text=text,
        language="en",
        content_hash=f"{abs(hash(text)):064d}"[-64:],
        raw=b"",
    )


def test_an_executives_statement_links_to_the_lab_the_sentence_does_not_name(
    catalogue: dict[str, object],
) -> None:
    meta, person = catalogue["meta"], catalogue["zuckerberg"]
    cache.forget()
    article = _article(
        "Mark Zuckerberg spoke to investors on Tuesday. "
        "Zuckerberg said the company would keep releasing open source models."
    )
    mentions = mentions_link(article=article)
    assert [(m.matched_text, m.company_id, m.person_id) for m in mentions] == [
        ("Mark Zuckerberg", meta.pk, person.pk),  # type: ignore[attr-defined]
        ("Zuckerberg", meta.pk, person.pk),  # type: ignore[attr-defined]
    ]
    suggestions = suggestions_make(article=article, mentions=mentions)
    assert [(s.company_id, s.speaker_id, s.kind) for s in suggestions] == [
        (meta.pk, person.pk, "executive")  # type: ignore[attr-defined]
    ]
    assert suggestions[0].sentence.startswith("Zuckerberg said")


def test_a_family_mention_suggests_for_the_familys_lab(catalogue: dict[str, object]) -> None:
    cache.forget()
    article = _article("The Gemma family will remain open source with open weights.")
    suggestions = suggestions_make(article=article, mentions=mentions_link(article=article))
    assert [s.company_id for s in suggestions] == [catalogue["gemma"].developer_id]  # type: ignore[attr-defined]


def test_a_surname_alone_does_not_link_before_the_full_name(catalogue: dict[str, object]) -> None:
    assert _found(matcher_build(), "Zuckerberg said nothing. Mark Zuckerberg then spoke.") == [
        ("Mark Zuckerberg", "person", catalogue["meta"].pk)  # type: ignore[attr-defined]
    ]


def test_matching_reads_the_catalogue_in_a_fixed_number_of_queries(
    catalogue: dict[str, object], django_assert_num_queries: object
) -> None:
    for n in range(30):
        model_make(developer=catalogue["meta"], name=f"Extra {n}", family=catalogue["llama"])  # type: ignore[arg-type]
    with django_assert_num_queries(5):  # type: ignore[operator]
        matcher_build()
    assert ModelFamily.objects.count() == 4 and AIModel.objects.count() == 35


@pytest.fixture
def names_as_words() -> dict[str, int]:
    """Labs and models named like ordinary words, an acronym lab, and a lab's short acronym."""
    apple = company_make(name="Apple")
    together = company_make(name="Together")
    Alias.objects.create(company=together, name="Together AI")
    cohere = company_make(name="Cohere")
    meta = company_make(name="Meta")
    Alias.objects.create(company=meta, name="メタ", language="ja")
    msl = company_make(name="Meta Superintelligence Labs", parent=meta)
    Alias.objects.create(company=msl, name="MSL")
    nvidia = company_make(name="NVIDIA")
    google = company_make(name="Google")
    deepseek = company_make(name="DeepSeek")
    r1 = model_make(developer=deepseek, name="DeepSeek-R1")
    Alias.objects.create(model=r1, name="R1")
    maverick = model_make(developer=meta, name="Llama 4 Maverick")
    Alias.objects.create(model=maverick, name="Maverick")
    gemma = model_family_get_or_create(name="Gemma", developer=google)
    return {
        "apple": apple.pk,
        "together": together.pk,
        "cohere": cohere.pk,
        "meta": meta.pk,
        "msl": msl.pk,
        "nvidia": nvidia.pk,
        "google": google.pk,
        "deepseek": deepseek.pk,
        "r1": r1.pk,
        "maverick": maverick.pk,
        "gemma": gemma.pk,
    }


def _labs_and_models(text: str) -> list[tuple[str, int]]:
    return [(kind, thing) for _matched, kind, thing in _found(matcher_build(), text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Mid-sentence and capitalised: a name.
        ("Shares of Apple rose after the launch.", [("company", "apple")]),
        ("The bank worked with Cohere on retrieval.", [("company", "cohere")]),
        # At a sentence's start, a possessive or a word only a company takes settles it.
        ("Apple's chip designers left for a rival.", [("company", "apple")]),
        ("Apple said it would open a lab in Zurich.", [("company", "apple")]),
        ("“Together Inc. pays well,” he wrote.", [("company", "together")]),
        # An ordinary word: lowercase, or at a start with nothing to settle it.
        ("An apple a day keeps the doctor away.", []),
        ("Apple pie is best served warm.", []),
        ("Together with its partners, the startup trained a model.", []),
        ("Their findings cohere with earlier work.", []),
        ("Write a meta description for every page.", []),
        ("A meta-analysis of twenty trials found no effect.", []),
        ("Apple Pie Recipes For The Busy Holidays", []),
        ("Tourists flock to the Big Apple every summer.", []),
        # Elsewhere in the article, the lab named for sure settles a start.
        (
            "Together trained the model on its own cluster. The startup, Together AI, is in "
            "San Francisco.",
            [("company", "together"), ("company", "together")],
        ),
        # The text uses the word as a word: a capital at a start proves nothing.
        ("Meta-analyses are common. We read one meta-analysis a week.", []),
        # In Japanese prose a Latin word is a name wherever it stands.
        ("Appleは新しいチップを発表した。", [("company", "apple")]),
    ],
)
def test_a_lab_named_like_an_ordinary_word_links_where_a_careful_reader_sees_a_name(
    names_as_words: dict[str, int], text: str, expected: list[tuple[str, str]]
) -> None:
    assert _labs_and_models(text) == [(kind, names_as_words[key]) for kind, key in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nvidia shipped more chips than expected.", [("company", "nvidia")]),
        ("Demand for NVIDIA processors keeps rising.", [("company", "nvidia")]),
        ("Install the nvidia driver first.", []),
        ("The campus sits 900 metres above mean sea level (MSL).", []),
        (
            "Meta reorganised its AI teams. MSL will train the next models.",
            [("company", "meta"), ("company", "msl")],
        ),
    ],
)
def test_an_acronym_links_in_capitals_or_capitalised_and_a_short_acronym_alias_with_its_lab(
    names_as_words: dict[str, int], text: str, expected: list[tuple[str, str]]
) -> None:
    assert _labs_and_models(text) == [(kind, names_as_words[key]) for kind, key in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("メタデータを整理すると検索がしやすくなる。", []),
        ("メタバースの市場は伸び悩んでいる。", []),
        ("メタ認知を鍛える方法を紹介する。", []),
        ("米メタは新しいモデルを公開した。", [("company", "meta")]),
        ("メタ社の広報担当者はコメントを控えた。", [("company", "meta")]),
        (
            "メタは新モデルを公開した。メタ幹部によれば、次も公開する。",
            [("company", "meta"), ("company", "meta")],
        ),
    ],
)
def test_a_katakana_name_does_not_link_inside_a_longer_word(
    names_as_words: dict[str, int], text: str, expected: list[tuple[str, str]]
) -> None:
    assert _labs_and_models(text) == [(kind, names_as_words[key]) for kind, key in expected]


def test_a_persons_katakana_name_before_a_title_in_kanji_links(
    names_as_words: dict[str, int],
) -> None:
    meta = Company.objects.get(pk=names_as_words["meta"])
    Person.objects.create(name="マーク・ザッカーバーグ", slug="zuckerberg-ja", company=meta)
    found = _found(matcher_build(), "マーク・ザッカーバーグ氏は公開を続けると述べた。")
    assert found == [("マーク・ザッカーバーグ", "person", meta.pk)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The headset keeps its R1 chip for sensor input.", []),
        (
            "DeepSeek released R1 under the MIT licence.",
            [("company", "deepseek"), ("model", "r1")],
        ),
        ("She has always been a maverick in the oil business.", []),
        ("Meta shipped Maverick in April.", [("company", "meta"), ("model", "maverick")]),
        ("The study was led by Gemma Hughes, a lawyer in Leeds.", []),
        ("Gemma runs on a single laptop.", [("family", "gemma")]),
    ],
)
def test_a_model_name_that_could_be_something_else_links_only_where_it_names_the_model(
    names_as_words: dict[str, int], text: str, expected: list[tuple[str, str]]
) -> None:
    assert _labs_and_models(text) == [(kind, names_as_words[key]) for kind, key in expected]
