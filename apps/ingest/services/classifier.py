"""The classifiers that score suggestions, retrained from the editors' decisions.

relevance learns accepted against rejected; stance learns the stance editors left on accepted
suggestions. The beat retrains only when a decision was made since the last training.
"""

from __future__ import annotations

from django.utils import timezone

from .. import classifier
from ..models import Classifier, Suggestion, SuggestionState


def classifier_retrain() -> dict[str, int]:
    """Rebuild both classifiers from every decided suggestion.

    relevance: accepted vs rejected; stance: the stance of accepted ones, as the editor left it.
    """
    decided = list(Suggestion.objects.decided().values_list("sentence", "state", "stance"))
    relevance = [(sentence, state) for sentence, state, _stance in decided]
    stances = [
        (sentence, stance)
        for sentence, state, stance in decided
        if state == SuggestionState.ACCEPTED
    ]
    now = timezone.now()
    for name, examples in (("relevance", relevance), ("stance", stances)):
        Classifier.objects.update_or_create(
            name=name,
            defaults={
                "data": classifier.train(examples),
                "examples": len(examples),
                "trained_at": now,
            },
        )
    return {"relevance": len(relevance), "stance": len(stances)}


def classifier_retrain_if_due() -> bool:
    """Retrain when a decision was made after the last training."""
    row = Classifier.objects.filter(name="relevance").first()
    newer = Suggestion.objects.decided()
    if row is not None:
        newer = newer.filter(decided_at__gt=row.trained_at)
    if not newer.exists():
        return False
    classifier_retrain()
    return True
