"""Make the first-run editor account once and print its password that one time."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a local editor (in the Editor and Reviewer groups) if there is none yet."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="editor")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Local editor '{username}' already exists (password shown once).")
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, password=password, is_staff=True)
        user.groups.set(Group.objects.filter(name__in=["Editor", "Reviewer"]))
        self.stdout.write(
            self.style.SUCCESS(
                f"Created local editor account: username '{username}', password '{password}'. "
                "It is shown only this once."
            )
        )
