"""A draft previewed as readers will see it: only for staff who may read statements."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from apps.claims.models import Statement
from tests.factories import company_make, statement_make

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def preview_url(statement: Statement) -> str:
    return reverse("statement_preview", kwargs={"pk": statement.pk})


def test_an_editor_previews_a_draft_in_the_public_template_under_a_banner(editor: User) -> None:
    draft = statement_make(company=company_make(), summary="Lab will keep its weights closed.")
    response = logged_in(editor).get(preview_url(draft))
    assert response.status_code == 200
    assert response.templates[0].name == "site/statement.html"
    page = response.content.decode()
    assert "Draft preview — not published" in page
    assert "Lab will keep its weights closed." in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control


def test_the_public_page_of_a_draft_is_still_a_404_even_for_its_editor(editor: User) -> None:
    draft = statement_make(company=company_make())
    assert logged_in(editor).get(draft.get_absolute_url()).status_code == 404


def test_nobody_without_the_right_to_read_statements_sees_a_preview(reader: User) -> None:
    draft = statement_make(company=company_make())
    assert Client().get(preview_url(draft)).status_code == 404
    assert logged_in(reader).get(preview_url(draft)).status_code == 404
    # Not staff, even with the permission: the preview belongs to the admin's users.
    outsider = User.objects.create_user("outsider", password="correct horse")
    outsider.user_permissions.add(Permission.objects.get(codename="view_statement"))
    assert logged_in(outsider).get(preview_url(draft)).status_code == 404


def test_a_reviewer_previews_a_statement_in_review(reviewer: User) -> None:
    from apps.claims import services

    statement = statement_make(company=company_make())
    services.statement_submit(statement=statement, user=None)
    page = logged_in(reviewer).get(preview_url(statement)).content.decode()
    assert "Draft preview — not published" in page
    assert "in review" in page


def test_view_on_site_opens_the_preview_for_a_draft_and_the_page_for_a_published_one(
    editor: User,
) -> None:
    lab = company_make()
    draft, published = statement_make(company=lab), statement_make(company=lab, publish=True)
    client = logged_in(editor)
    for statement, expected in (
        (draft, preview_url(draft)),
        (published, published.get_absolute_url()),
    ):
        page = client.get(reverse("admin:claims_statement_change", args=[statement.pk]))
        assert f'<a href="{expected}" class="viewsitelink">' in page.content.decode()
