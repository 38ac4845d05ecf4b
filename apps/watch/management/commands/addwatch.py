from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.catalog.models import AIModel, Company
from apps.watch.services.watches import watch_create


class Command(BaseCommand):
    help = "Watch a page (a licence, a usage policy, a model card) for meaningful changes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("url")
        parser.add_argument("--selector", default="", help="CSS selector of the part to compare")
        parser.add_argument("--interval", type=int, default=None, help="minutes between checks")
        parser.add_argument("--ignore", action="append", default=[], help="regex of lines to drop")
        parser.add_argument("--lab", default="", help="slug of the lab the page concerns")
        parser.add_argument("--model", action="append", default=[], help="slug of a model")

    def handle(self, *args: Any, **options: Any) -> None:
        company = None
        if options["lab"]:
            company = Company.objects.filter(slug=options["lab"]).first()
            if company is None:
                raise CommandError(f"No lab with the slug {options['lab']!r}.")
        models = list(AIModel.objects.filter(slug__in=options["model"]))
        try:
            watch = watch_create(
                url=options["url"],
                selector=options["selector"],
                ignore="\n".join(options["ignore"]),
                interval_minutes=options["interval"],
                company=company,
                ai_models=models,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"Watching {watch.url} every {watch.interval_minutes} minutes (watch {watch.pk})."
        )
