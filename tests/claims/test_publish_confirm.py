"""Publishing asks first: the reviewer sees each lab's stance now and after, then confirms."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.claims.models import EditorialState, StanceChange, Statement
from apps.claims.selectors import publish_effects
from tests.factories import company_make, statement_make

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:claims_statement_changelist"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cell(page: str, name: str) -> list[str]:
    """The text of every <td class="name"> on the page, in order."""
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(rf'<td class="{name}">(.*?)</td>', page, re.S)
    ]


def states(*statements: Statement) -> list[str]:
    return [Statement.objects.get(pk=s.pk).state for s in statements]


def test_the_publish_action_shows_the_stance_before_and_after_and_publishes_nothing(
    reviewer: User,
) -> None:
    lab = company_make(name="Openish Lab")
    statement_make(company=lab, stance="open", publish=True, occurred_on=datetime.date(2025, 1, 1))
    draft = statement_make(company=lab, stance="closed", occurred_on=datetime.date(2025, 7, 1))
    changes_before = list(StanceChange.objects.values_list("pk", "superseded_at"))

    response = logged_in(reviewer).post(
        reverse(CHANGELIST), {"action": "publish_selected", "_selected_action": [draft.pk]}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Openish Lab" in page
    # open (weight w1) and closed (a newer, heavier w2): the mean falls on the closed side.
    assert cell(page, "stance-before") == ["open"]
    assert cell(page, "stance-after") == ["mixed"]
    assert "The stance today would move from open to mixed." in page
    assert "open → mixed" in page
    assert 'name="confirm" value="yes"' in page
    assert states(draft) == [EditorialState.DRAFT]
    assert list(StanceChange.objects.values_list("pk", "superseded_at")) == changes_before


@pytest.mark.slow
def test_confirming_publishes_and_the_stance_moves_as_the_page_said(reviewer: User) -> None:
    lab = company_make()
    statement_make(company=lab, stance="open", publish=True, occurred_on=datetime.date(2025, 1, 1))
    draft = statement_make(company=lab, stance="closed", occurred_on=datetime.date(2025, 7, 1))
    client = logged_in(reviewer)
    data = {"action": "publish_selected", "_selected_action": [draft.pk]}
    shown = cell(client.post(reverse(CHANGELIST), data).content.decode(), "stance-after")

    response = client.post(reverse(CHANGELIST), {**data, "confirm": "yes"}, follow=True)

    assert states(draft) == [EditorialState.PUBLISHED]
    assert "1 statement published." in response.content.decode()
    latest = StanceChange.objects.current().filter(company=lab).latest("date")
    assert [str(latest.get_new_stance_display())] == shown


@pytest.mark.slow
def test_a_bulk_publish_over_two_labs_shows_each_lab_and_the_statement_it_cannot_publish(
    reviewer: User,
) -> None:
    first, second = company_make(name="Alpha Lab"), company_make(name="Beta Lab")
    alpha = [statement_make(company=first, stance="closed") for _ in range(2)]
    beta = statement_make(company=second, stance="open")
    uncited = statement_make(company=second, stance="closed", cited=False, summary="No source.")
    client = logged_in(reviewer)
    chosen = [s.pk for s in [*alpha, beta, uncited]]

    page = client.post(
        reverse(CHANGELIST), {"action": "publish_selected", "_selected_action": chosen}
    ).content.decode()

    assert page.index("Alpha Lab") < page.index("Beta Lab")
    # Neither lab has a stance yet; each gets the one its drafts give it.
    assert cell(page, "stance-before") == ["—", "—"]
    assert cell(page, "stance-after") == ["closed", "open"]
    assert "it cites no source" in page
    # Only what can be published is carried to the confirmation.
    carried = {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', page)}
    assert carried == {alpha[0].pk, alpha[1].pk, beta.pk}
    assert states(*alpha, beta, uncited) == [EditorialState.DRAFT] * 4

    client.post(
        reverse(CHANGELIST),
        {"action": "publish_selected", "_selected_action": sorted(carried), "confirm": "yes"},
    )
    assert states(*alpha, beta, uncited) == [EditorialState.PUBLISHED] * 3 + [EditorialState.DRAFT]


def test_the_statement_page_asks_too_and_posts_back_to_itself(reviewer: User) -> None:
    draft = statement_make(company=company_make(), stance="leaning_closed")
    client = logged_in(reviewer)
    change_url = reverse("admin:claims_statement_change", args=[draft.pk])
    data = {"CHANGE_FORM-action": "publish_selected", "_selected_action": draft.pk}
    page = client.post(change_url, data).content.decode()
    assert 'name="CHANGE_FORM-action" value="publish_selected"' in page
    assert cell(page, "stance-after") == ["leaning closed"]
    assert states(draft) == [EditorialState.DRAFT]
    client.post(change_url, {**data, "confirm": "yes"})
    assert states(draft) == [EditorialState.PUBLISHED]


def test_an_editor_gets_no_confirmation_page_and_publishes_nothing(editor: User) -> None:
    draft = statement_make(company=company_make())
    response = logged_in(editor).post(
        reverse(CHANGELIST),
        {"action": "publish_selected", "_selected_action": [draft.pk], "confirm": "yes"},
        follow=True,
    )
    assert "Stance today" not in response.content.decode()
    assert states(draft) == [EditorialState.DRAFT]


def test_the_effect_is_computed_with_the_engine_and_a_pin_still_wins() -> None:
    from apps.claims import services

    lab = company_make()
    statement_make(company=lab, stance="open", publish=True, occurred_on=datetime.date(2025, 1, 1))
    services.assessment_pin(
        user=None,
        company=lab,
        effective_from=datetime.date(2025, 1, 1),
        stance="open",
        rationale="The editors' reading.",
    )
    draft = statement_make(company=lab, stance="closed", occurred_on=datetime.date(2025, 6, 1))
    [effect] = publish_effects(statements=[draft], on=timezone.localdate())
    assert effect.before is not None and effect.after is not None
    assert (effect.before.stance, effect.after.stance) == ("open", "open")
    assert effect.after.pin_id is not None
    assert effect.after.score < effect.before.score
    assert not effect.moves_today
    assert effect.added == effect.dropped == []
