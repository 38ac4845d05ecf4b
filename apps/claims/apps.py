from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "apps.claims"
    label = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        # A published act may decide a pending commitment: claims proposes it to reviewers
        # (apps/claims/commitment_suggestions.py), in the publishing transaction.
        from apps.lib.events import event_subscribe

        from .commitment_suggestions import on_statement_published
        from .events import StatementPublished

        event_subscribe(StatementPublished, on_statement_published)
