"""Shared fixtures: users in each editorial role, and the seeded record."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command


def _user_in(username: str, *groups: str) -> User:
    user = User.objects.create_user(username=username, password="correct horse", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def editor(db: None) -> User:
    return _user_in("edith", "Editor")


@pytest.fixture
def reviewer(db: None) -> User:
    return _user_in("rita", "Editor", "Reviewer")


@pytest.fixture
def reader(db: None) -> User:
    """Staff without a role: may log in to the admin but not touch the record."""
    return _user_in("rhea")


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed", verbosity=0)
