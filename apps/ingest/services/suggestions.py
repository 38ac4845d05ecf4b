"""Mentions and suggestions: link an article to the labs and models it names, and propose the
sentences that speak about a lab's openness for an editor to review (review.py).

Matching uses the cached catalogue's alias matcher (apps/ingest/linking.py); sentences are
split by apps/ingest/suggest.py and read for each lab they name by the stance reader
(apps/ingest/stance.py), which decides whether the lab's clauses speak of openness at all (an
openness cue on an openness object: "closed a funding round" or "公開した報告書" is none) and
gives the stance, the kind, the speaker label and the reasons stored on the suggestion.

How the rules and the classifiers trained on editors' decisions (services/classifier.py)
combine, once a classifier has learnt from enough decisions (cache.Reading.classifier):

- score: the relevance classifier's probability that an editor accepts the sentence replaces
  the reader's confidence (``scored_by`` says which one scored it);
- topic: a sentence naming a lab in which the reader finds no openness cue is still suggested
  when the relevance classifier is at least OFF_TOPIC_ADMIT sure of it, so a phrasing editors
  accepted ("let anyone download the parameters") is learnt; the reason says so;
- stance: the reader decides when it found an open or closed cue (its reasons explain it);
  where it found none, the stance classifier's most likely stance is taken, with its
  probability as the reason.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from apps.catalog.models import AIModel, Company

from .. import cache, classifier
from ..linking import Matcher
from ..models import Article, Mention, Suggestion
from ..stance import Reason, stance_read
from ..stance_cues import COMPONENT
from ..suggest import quote_find, sentences_split

#: How sure the relevance classifier must be to suggest a sentence with no openness cue.
OFF_TOPIC_ADMIT = 0.9


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
        if not inside:
            continue
        labs: list[Company] = []
        spans: dict[int, list[tuple[int, int]]] = {}
        model_spans: list[tuple[int, int]] = []
        sentence_models: list[AIModel] = []
        for mention in inside:
            if mention.ai_model_id is not None:
                model = models[mention.ai_model_id]
                sentence_models.append(model)
                model_spans.append((mention.start - sentence.start, mention.end - sentence.start))
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
            if lab is None:
                continue
            if lab not in labs:
                labs.append(lab)
            spans.setdefault(lab.pk, []).append(
                (mention.start - sentence.start, mention.end - sentence.start)
            )
        if not labs:
            continue
        learned_score = None
        if relevance is not None:
            learned_score = classifier.predict(relevance, sentence.text).get("accepted", 0.0)
        learned_stance = classifier.predict(stance_model, sentence.text) if stance_model else {}
        speaker = next(
            (people_by_id[m.person_id] for m in inside if m.person_id in people_by_id),
            next((p for p in people if p.name in sentence.text), None),
        )
        sentence_hash = hashlib.sha256(sentence.text.encode()).hexdigest()
        for lab in labs:
            if (lab.pk, sentence_hash) in planned:  # the same sentence again: the first counts
                continue
            read = stance_read(
                sentence.text,
                lab_name=lab.name,
                lab_spans=spans[lab.pk],
                other_spans=[span for pk, own in spans.items() if pk != lab.pk for span in own],
                model_spans=model_spans,
                person_named=speaker is not None,
            )
            # The reader decides what is about openness: an openness cue in the lab's clauses.
            # A sentence naming an openness component with no cue the reader knows is shown
            # too (score 0.3, "no cue"), so editors can teach the phrasing; once the relevance
            # classifier has learnt from them, it decides those.
            on_topic = read.cued
            candidate = not read.cued and bool(COMPONENT.search(sentence.text))
            if (
                not on_topic
                and not (candidate and relevance is None)
                and (learned_score is None or learned_score < OFF_TOPIC_ADMIT)
            ):
                continue
            stance, reasons = read.stance, list(read.reasons)
            if not read.cued and learned_stance:
                stance, probability = max(learned_stance.items(), key=lambda kv: kv[1])
                reasons.append(Reason("learned", f"{probability:.2f}", stance))
            if not on_topic and learned_score is not None:
                reasons.insert(0, Reason("learned_topic", f"{learned_score:.2f}"))
            score = read.confidence if learned_score is None else learned_score
            suggestion = Suggestion(
                article=article,
                company=lab,
                sentence_hash=sentence_hash,
                sentence=sentence.text,
                start=sentence.start,
                language=article.language,
                quote=quote_find(sentence.text),
                speaker=speaker,
                speaker_label=read.speaker_label[:200],
                kind=read.kind,
                stance=stance,
                stance_reasons=[reason.as_json() for reason in reasons],
                score=round(score, 4),
                scored_by="rules" if learned_score is None else "classifier",
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
