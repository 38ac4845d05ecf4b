from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    name = "apps.watch"
    verbose_name = _("Watched pages and source archives")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.claims.events import SourcesCited
        from apps.lib.events import event_subscribe

        from .services.sources import sources_cited_handle

        event_subscribe(SourcesCited, sources_cited_handle)
