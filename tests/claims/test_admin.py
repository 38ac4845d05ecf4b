"""The editors' desk, driven through the real admin views as each role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.claims.models import EditorialState, StanceChange, Statement
from tests.factories import company_make, source_make, statement_make

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def statement_form(company_id: int, source_id: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "company": company_id,
        "summary": "Meta says it will keep releasing open models.",
        "speaker_label": "Meta spokesperson",
        "kind": "official",
        "stance": "mixed",
        "verification": "confirmed",
        "occurred_on": "2025-07-14",
        "date_precision": "day",
        "quote": "We plan to continue releasing leading open source models.",
        "quote_language": "en",
        "translation": "",
        "translation_language": "",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-source": source_id,
        "citations-0-excerpt": "",
        "links_out-TOTAL_FORMS": "0",
        "links_out-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.slow
def test_an_editor_adds_a_draft_with_a_citation_and_submits_it(editor: User) -> None:
    company, source = company_make(), source_make()
    client = logged_in(editor)
    response = client.post(
        reverse("admin:claims_statement_add"), statement_form(company.pk, source.pk)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    statement = Statement.objects.get()
    assert statement.state == EditorialState.DRAFT
    assert statement.created_by == editor
    assert [c.source for c in statement.citations.all()] == [source]

    change_url = reverse("admin:claims_statement_change", args=[statement.pk])
    page = client.get(change_url).content.decode()
    assert 'value="submit_selected"' in page
    assert 'value="publish_selected"' not in page
    client.post(
        change_url,
        {"CHANGE_FORM-action": "submit_selected", "_selected_action": statement.pk},
    )
    statement.refresh_from_db()
    assert statement.state == EditorialState.IN_REVIEW


@pytest.mark.slow
def test_a_reviewer_publishes_from_the_statement_page(reviewer: User) -> None:
    statement = statement_make(company=company_make())
    client = logged_in(reviewer)
    change_url = reverse("admin:claims_statement_change", args=[statement.pk])
    assert 'value="publish_selected"' in client.get(change_url).content.decode()
    client.post(
        change_url,
        # The confirmation page (tests/claims/test_publish_confirm.py) posts "confirm".
        {
            "CHANGE_FORM-action": "publish_selected",
            "_selected_action": statement.pk,
            "confirm": "yes",
        },
    )
    statement.refresh_from_db()
    assert statement.state == EditorialState.PUBLISHED


def test_a_reviewer_retracts_from_the_statement_page_with_a_reason(reviewer: User) -> None:
    statement = statement_make(company=company_make(), publish=True)
    client = logged_in(reviewer)
    change_url = reverse("admin:claims_statement_change", args=[statement.pk])
    confirm = client.post(
        change_url,
        {"CHANGE_FORM-action": "retract_selected", "_selected_action": statement.pk},
    )
    assert 'name="CHANGE_FORM-action" value="retract_selected"' in confirm.content.decode()
    client.post(
        change_url,
        {
            "CHANGE_FORM-action": "retract_selected",
            "_selected_action": statement.pk,
            "reason": "Wrong lab.",
        },
    )
    statement.refresh_from_db()
    assert (statement.state, statement.retraction_reason) == (
        EditorialState.RETRACTED,
        "Wrong lab.",
    )


@pytest.mark.slow
def test_an_editor_cannot_publish_through_the_admin(editor: User) -> None:
    statement = statement_make(company=company_make())
    client = logged_in(editor)
    changelist = reverse("admin:claims_statement_changelist")
    assert "publish_selected" not in client.get(changelist).content.decode()
    response = client.post(
        changelist, {"action": "publish_selected", "_selected_action": [statement.pk]}
    )
    # Django answers an unknown action with the changelist and "No action selected".
    assert response.status_code in (200, 302)
    statement.refresh_from_db()
    assert statement.state == EditorialState.DRAFT


@pytest.mark.slow
def test_a_reviewer_publishes_in_bulk_and_the_stance_follows(reviewer: User) -> None:
    lab = company_make()
    drafts = [statement_make(company=lab, stance="closed") for _ in range(3)]
    client = logged_in(reviewer)
    client.post(
        reverse("admin:claims_statement_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [s.pk for s in drafts],
            "confirm": "yes",
        },
    )
    assert Statement.objects.filter(state=EditorialState.PUBLISHED).count() == 3
    assert StanceChange.objects.current().get(company=lab).new_stance == "closed"


def test_bulk_publish_reports_the_statement_without_a_source_and_publishes_the_rest(
    reviewer: User,
) -> None:
    lab = company_make()
    good = statement_make(company=lab)
    bad = statement_make(company=lab, cited=False)
    response = logged_in(reviewer).post(
        reverse("admin:claims_statement_changelist"),
        {"action": "publish_selected", "_selected_action": [good.pk, bad.pk], "confirm": "yes"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("cited source" in m for m in messages)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.state, bad.state) == (EditorialState.PUBLISHED, EditorialState.DRAFT)


def test_a_reviewer_retracts_with_a_reason(reviewer: User) -> None:
    statement = statement_make(company=company_make(), publish=True)
    client = logged_in(reviewer)
    changelist = reverse("admin:claims_statement_changelist")
    confirm = client.post(
        changelist, {"action": "retract_selected", "_selected_action": [statement.pk]}
    )
    assert "Reason for retraction" in confirm.content.decode()
    statement.refresh_from_db()
    assert statement.state == EditorialState.PUBLISHED
    client.post(
        changelist,
        {
            "action": "retract_selected",
            "_selected_action": [statement.pk],
            "reason": "The report was corrected.",
        },
    )
    statement.refresh_from_db()
    assert statement.state == EditorialState.RETRACTED
    assert statement.retraction_reason == "The report was corrected."


def test_an_editor_cannot_change_a_published_statement(editor: User) -> None:
    statement = statement_make(company=company_make(), publish=True)
    client = logged_in(editor)
    url = reverse("admin:claims_statement_change", args=[statement.pk])
    response = client.post(
        url, statement_form(statement.company_id, source_make().pk, summary="Edited")
    )
    statement.refresh_from_db()
    assert response.status_code == 403
    assert statement.summary != "Edited"


def test_nobody_can_delete_a_published_statement(reviewer: User) -> None:
    statement = statement_make(company=company_make(), publish=True)
    response = logged_in(reviewer).post(
        reverse("admin:claims_statement_delete", args=[statement.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Statement.objects.filter(pk=statement.pk).exists()


def test_staff_without_a_role_cannot_open_statements(reader: User) -> None:
    response = logged_in(reader).get(reverse("admin:claims_statement_changelist"))
    assert response.status_code == 403


def test_autocomplete_finds_a_lab_by_its_japanese_alias(editor: User) -> None:
    from apps.catalog.models import Alias

    meta = company_make(name="Meta", slug="meta-test")
    Alias.objects.create(company=meta, name="メタ", language="ja")
    response = logged_in(editor).get(
        reverse("admin:autocomplete"),
        {
            "term": "メタ",
            "app_label": "claims",
            "model_name": "statement",
            "field_name": "company",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Meta"]


def test_the_admin_shows_who_changed_a_statement(editor: User, reviewer: User) -> None:
    from apps.claims import services

    statement = statement_make(company=company_make())
    services.statement_submit(statement=statement, user=editor)
    page = (
        logged_in(reviewer)
        .get(reverse("admin:claims_statement_history", args=[statement.pk]))
        .content.decode()
    )
    assert "edith" in page
    assert "Submitted for review" in page


def test_a_reviewers_edit_to_a_published_statement_moves_the_stance(reviewer: User) -> None:
    lab = company_make()
    statement = statement_make(company=lab, stance="open", publish=True)
    citation = statement.citations.get()
    response = logged_in(reviewer).post(
        reverse("admin:claims_statement_change", args=[statement.pk]),
        statement_form(
            lab.pk,
            citation.source_id,
            stance="closed",
            quote="",
            quote_language="",
            **{
                "citations-INITIAL_FORMS": "1",
                "citations-0-id": citation.pk,
                "citations-0-statement": statement.pk,
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StanceChange.objects.current().get(company=lab).new_stance == "closed"
    assert StanceChange.objects.filter(company=lab, superseded_at__isnull=False).count() == 1


def _published_edit(statement: Statement, **overrides: object) -> dict[str, object]:
    citation = statement.citations.get()
    data = statement_form(
        statement.company_id,
        citation.source_id,
        stance=statement.stance,
        quote="",
        quote_language="",
        **{
            "citations-INITIAL_FORMS": "1",
            "citations-0-id": citation.pk,
            "citations-0-statement": statement.pk,
        },
    )
    data.update(overrides)
    return data


def test_moving_a_published_statement_to_another_lab_recomputes_both(reviewer: User) -> None:
    first, second = company_make(), company_make()
    statement = statement_make(company=first, stance="closed", publish=True)
    response = logged_in(reviewer).post(
        reverse("admin:claims_statement_change", args=[statement.pk]),
        _published_edit(statement, company=second.pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not StanceChange.objects.current().filter(company=first).exists()
    assert StanceChange.objects.current().get(company=second).new_stance == "closed"


def test_a_published_statement_cannot_lose_its_last_citation(reviewer: User) -> None:
    statement = statement_make(company=company_make(), publish=True)
    response = logged_in(reviewer).post(
        reverse("admin:claims_statement_change", args=[statement.pk]),
        _published_edit(statement, **{"citations-0-DELETE": "on"}),
    )
    assert response.status_code == 200
    assert "must cite at least one source" in response.content.decode()
    assert statement.citations.count() == 1


@pytest.mark.slow
def test_the_bulk_action_message_counts_statements_in_words(reviewer: User) -> None:
    lab = company_make()
    client = logged_in(reviewer)
    changelist = reverse("admin:claims_statement_changelist")
    one = client.post(
        changelist,
        {"action": "submit_selected", "_selected_action": [statement_make(company=lab).pk]},
        follow=True,
    ).content.decode()
    assert "1 statement submitted for review." in one
    two = client.post(
        changelist,
        {
            "action": "submit_selected",
            "_selected_action": [statement_make(company=lab).pk for _ in range(2)],
        },
        follow=True,
    ).content.decode()
    assert "2 statements submitted for review." in two


# History is for reading. Reverting through django-simple-history's version page would save an
# old copy as it was: no editorial rules, no stance recompute, no alert event.


def _version_url(statement: Statement, history_id: int) -> str:
    return reverse("admin:claims_statement_simple_history", args=[statement.pk, history_id])


def _first_version(statement: Statement) -> int:
    return statement.history.earliest("history_date").history_id


def test_an_editor_cannot_revert_a_published_statement_to_its_draft(editor: User) -> None:
    lab = company_make()
    statement = statement_make(company=lab, stance="open", publish=True)
    response = logged_in(editor).post(
        _version_url(statement, _first_version(statement)),
        statement_form(lab.pk, source_make().pk, summary="Rewritten", stance="closed"),
    )
    statement.refresh_from_db()
    assert (statement.state, statement.stance) == (EditorialState.PUBLISHED, "open")
    assert statement.summary != "Rewritten"
    assert response.status_code == 405


def test_a_reviewer_cannot_undo_a_retraction_through_history(reviewer: User) -> None:
    from apps.claims import services

    lab = company_make()
    statement = statement_make(company=lab, publish=True)
    published = statement.history.latest("history_date").history_id
    services.statement_retract(statement=statement, user=reviewer, reason="Wrong lab.")
    response = logged_in(reviewer).post(
        _version_url(statement, published),
        statement_form(lab.pk, source_make().pk, summary=statement.summary),
    )
    statement.refresh_from_db()
    assert statement.state == EditorialState.RETRACTED
    assert not StanceChange.objects.current().filter(company=lab).exists()
    assert response.status_code == 405


def test_not_even_a_superuser_can_revert_through_history(db: None) -> None:
    admin_user = User.objects.create_superuser("root", password="correct horse")
    lab = company_make()
    statement = statement_make(company=lab, publish=True)
    client = logged_in(admin_user)
    response = client.post(
        _version_url(statement, _first_version(statement)),
        statement_form(lab.pk, source_make().pk, summary="Rewritten"),
    )
    assert response.status_code == 405
    statement.refresh_from_db()
    assert statement.state == EditorialState.PUBLISHED
    lab_version = lab.history.earliest("history_date").history_id
    response = client.post(
        reverse("admin:catalog_company_simple_history", args=[lab.pk, lab_version]),
        {"name": "Renamed", "slug": lab.slug, "is_lab": "on"},
    )
    assert response.status_code == 405
    lab.refresh_from_db()
    assert lab.name != "Renamed"


def test_who_may_view_a_statement_still_reads_its_old_versions(editor: User) -> None:
    statement = statement_make(company=company_make(), publish=True)
    response = logged_in(editor).get(_version_url(statement, _first_version(statement)))
    assert response.status_code == 200
    page = response.content.decode()
    assert statement.summary in page
    assert 'name="_save"' not in page
    assert "<textarea" not in page


def test_a_retracted_statement_is_read_only_even_for_a_reviewer(reviewer: User) -> None:
    from apps.claims import services

    statement = statement_make(company=company_make(), publish=True)
    data = _published_edit(statement, summary="Quietly rewritten")
    services.statement_retract(statement=statement, user=reviewer, reason="Wrong lab.")
    response = logged_in(reviewer).post(
        reverse("admin:claims_statement_change", args=[statement.pk]), data
    )
    assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.summary != "Quietly rewritten"


def test_an_edit_saved_from_a_stale_copy_keeps_the_stored_editorial_state(reviewer: User) -> None:
    from apps.claims import services

    statement = statement_make(company=company_make())
    stale = Statement.objects.get(pk=statement.pk)
    services.statement_publish(statement=statement, user=reviewer)
    stale.summary = "Edited meanwhile"
    services.statement_save(statement=stale, user=reviewer)
    statement.refresh_from_db()
    assert (statement.state, statement.summary) == (EditorialState.PUBLISHED, "Edited meanwhile")
    assert statement.published_at is not None


def test_an_editor_cannot_save_a_statement_that_was_published_meanwhile(editor: User) -> None:
    from django.core.exceptions import PermissionDenied

    from apps.claims import services

    statement = statement_make(company=company_make())
    stale = Statement.objects.get(pk=statement.pk)
    services.statement_publish(statement=statement, user=None)
    stale.summary = "Edited meanwhile"
    with pytest.raises(PermissionDenied):
        services.statement_save(statement=stale, user=editor)
    statement.refresh_from_db()
    assert statement.summary != "Edited meanwhile"


def test_only_a_draft_can_be_deleted_even_by_the_service(reviewer: User) -> None:
    from django.core.exceptions import ValidationError

    from apps.claims import services

    draft = statement_make(company=company_make())
    published = statement_make(company=company_make(), publish=True)
    with pytest.raises(ValidationError):
        services.statement_delete(statement=published, user=reviewer)
    services.statement_delete(statement=draft, user=reviewer)
    assert list(Statement.objects.all()) == [published]


def test_moving_a_pin_to_another_lab_recomputes_both(reviewer: User) -> None:
    import datetime

    from apps.claims import services

    first, second = company_make(), company_make()
    statement_make(company=first, stance="open", publish=True)
    pin = services.assessment_pin(
        user=reviewer,
        company=first,
        effective_from=datetime.date(2025, 8, 1),
        stance="closed",
        rationale="The lab stopped releasing weights.",
    )
    assert StanceChange.objects.current().filter(company=first, assessment=pin).exists()
    response = logged_in(reviewer).post(
        reverse("admin:claims_stanceassessment_change", args=[pin.pk]),
        {
            "company": second.pk,
            "effective_from": "2025-08-01",
            "stance": "closed",
            "rationale": "Pinned on the wrong lab.",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not StanceChange.objects.current().filter(company=first, assessment=pin).exists()
    assert StanceChange.objects.current().get(company=first).new_stance == "open"
    assert StanceChange.objects.current().filter(company=second, assessment=pin).exists()
