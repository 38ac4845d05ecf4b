"""Mentions and suggestions: link an article to the labs and models it names, and propose the
sentences that speak about a lab's openness for an editor to review (review.py).

Matching uses the cached catalogue's alias matcher (apps/ingest/linking.py); sentences are
split, kept on topic and guessed at by the rules of apps/ingest/suggest.py, and scored by the
trained classifiers when there are any (apps/ingest/classifier.py).
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from apps.catalog.models import AIModel, Company

from .. import cache, classifier
from ..linking import Matcher
from ..models import Article, Mention, Suggestion
from ..suggest import is_on_topic, kind_and_label, quote_find, sentences_split, stance_guess


def mentions_link(*, article: Article, matcher: Matcher | None = None) -> list[Mention]:
    """(Re)link an article's mentions; the title counts as text before the body."""
    matcher = matcher or cache.reading().catalogue.matcher
    # No savepoint: inside article_store a failure rolls the whole article back anyway.
    with transaction.atomic(savepoint=False):
        Mention.objects.filter(article=article).delete()
        mentions = [
            Mention(
                article=article,
                company_id=span.name.company_id
                if span.name.kind in ("company", "person")
                else None,
                ai_model_id=span.name.model_id,
                family_id=span.name.family_id if span.name.kind == "family" else None,
                person_id=span.name.person_id,
                alias_id=span.name.alias_id,
                start=span.start,
                end=span.end,
                matched_text=span.matched[:200],
            )
            for span in matcher.find(article.text)
        ]
        Mention.objects.bulk_create(mentions)
    return mentions


def _lab_for(company: Company, companies: dict[int, Company]) -> Company | None:
    """The tracked lab a company's statements count for: itself, or its nearest lab parent."""
    seen: set[int] = set()
    current: Company | None = company
    while current is not None and current.pk not in seen:
        if current.is_lab:
            return current
        seen.add(current.pk)
        current = companies.get(current.parent_id) if current.parent_id else None
    return None


def suggestions_make(
    *,
    article: Article,
    mentions: list[Mention] | None = None,
    reading: cache.Reading | None = None,
) -> list[Suggestion]:
    """Suggest the sentences that speak about a lab's openness, scored and with a stance guess.

    Returns the suggestions made; a sentence already suggested for a lab is left as it was, so
    running it twice changes nothing. However many suggestions an article yields, the write is
    one read of the article's existing suggestions, one INSERT of the new ones and one of their
    models; the unique constraint on (article, lab, sentence) still refuses a duplicate.
    ``mentions`` and ``reading`` save reading again what the caller already has.
    """
    if mentions is None:
        mentions = list(Mention.objects.filter(article=article))
    if not mentions:
        return []
    reading = reading or cache.reading()
    companies = reading.catalogue.companies
    models = reading.catalogue.models
    people = reading.catalogue.people
    people_by_id = {person.pk: person for person in people}
    relevance = reading.classifier("relevance")
    stance_model = reading.classifier("stance")
    planned: dict[tuple[int, str], tuple[Suggestion, list[int]]] = {}
    for sentence in sentences_split(article.text):
        inside = [m for m in mentions if sentence.start <= m.start and m.end <= sentence.end]
        if not inside or not is_on_topic(sentence.text):
            continue
        labs: list[Company] = []
        sentence_models: list[AIModel] = []
        for mention in inside:
            if mention.ai_model_id is not None:
                model = models[mention.ai_model_id]
                sentence_models.append(model)
                lab = _lab_for(companies[model.developer_id], companies)
            elif mention.family_id is not None:
                family = reading.catalogue.families[mention.family_id]
                lab = _lab_for(companies[family.developer_id], companies)
            else:  # a lab, or a person of it (an executive speaking where the lab is not named)
                lab = (
                    _lab_for(companies[mention.company_id], companies)
                    if mention.company_id
                    else None
                )
            if lab is not None and lab not in labs:
                labs.append(lab)
        if not labs:
            continue
        stance, confidence = stance_guess(sentence.text)
        score, scored_by = confidence, "rules"
        if relevance is not None:
            score = classifier.predict(relevance, sentence.text).get("accepted", score)
            scored_by = "classifier"
        if stance_model is not None:
            stance = max(
                classifier.predict(stance_model, sentence.text).items(), key=lambda kv: kv[1]
            )[0]
        speaker = next(
            (people_by_id[m.person_id] for m in inside if m.person_id in people_by_id),
            next((p for p in people if p.name in sentence.text), None),
        )
        sentence_hash = hashlib.sha256(sentence.text.encode()).hexdigest()
        for lab in labs:
            if (lab.pk, sentence_hash) in planned:  # the same sentence again: the first counts
                continue
            kind, label = kind_and_label(
                sentence.text, company_name=lab.name, person_named=speaker is not None
            )
            suggestion = Suggestion(
                article=article,
                company=lab,
                sentence_hash=sentence_hash,
                sentence=sentence.text,
                start=sentence.start,
                language=article.language,
                quote=quote_find(sentence.text),
                speaker=speaker,
                speaker_label=label,
                kind=kind,
                stance=stance,
                score=round(score, 4),
                scored_by=scored_by,
            )
            model_ids = {
                m.pk: None
                for m in sentence_models
                if _lab_for(companies[m.developer_id], companies) == lab
            }
            planned[(lab.pk, sentence_hash)] = (suggestion, list(model_ids))
    if not planned:
        return []
    existing = set(
        Suggestion.objects.filter(article=article).values_list("company_id", "sentence_hash")
    )
    new = [planned[key] for key in planned if key not in existing]
    with transaction.atomic(savepoint=False):
        created = Suggestion.objects.bulk_create([suggestion for suggestion, _ids in new])
        through = Suggestion.ai_models.through
        through.objects.bulk_create(
            through(suggestion_id=suggestion.pk, aimodel_id=model_id)
            for suggestion, model_ids in new
            for model_id in model_ids
        )
    return created
