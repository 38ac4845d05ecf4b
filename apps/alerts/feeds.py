"""Atom feeds of events: everything, one lab, one model.

A feed is in one language throughout, the one its address names (/feeds/all.atom in English,
/ja/feeds/all.atom in Japanese; see apps/lib/language_urls.py): titles, items and the links to
our pages alike, with xml:lang saying which.

Every text in a feed is what editors or ingested pages wrote, and a feed reader shows it outside
our pages and their Content Security Policy. Titles are Atom text constructs (no type attribute
means type="text"), which readers show as text. The summary is type="html" so that it can keep
its paragraphs, so each text in it is escaped here: a reader that renders the summary as HTML
shows "<script>" as those characters.
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _

from apps.catalog.models import AIModel, Company

from .models import Event
from .render import event_text, events_for_render
from .text_parts import EventText

FEED_SIZE = 50


class _EventFeed(Feed):
    feed_type = Atom1Feed

    def _texts(self, queryset: QuerySet[Event]) -> list[EventText]:
        ids = list(queryset.order_by("-created_at", "-id").values_list("pk", flat=True)[:FEED_SIZE])
        events = {e.pk: e for e in events_for_render(ids)}
        return [event_text(events[pk]) for pk in ids]

    def item_title(self, item: EventText) -> str:
        return item.headline

    def item_description(self, item: EventText) -> str:
        """The headline and the quote, a dataset's record and attribution, or a watched page and
        the words that changed in it, as HTML, every text in it escaped (see the module doc)."""
        html = format_html("<p>{}</p>", item.headline)
        if item.new_statement is not None:
            html += format_html("<p>{}</p>", item.new_statement.summary)
        if item.quote is not None and item.quote.text:
            html += format_html(
                "<p>“<bdi>{}</bdi>” (<bdi>{}</bdi>)</p>", item.quote.text, item.quote.source_title
            )
        note = item.dataset
        if note is not None:
            if note.record_url:
                html += format_html(
                    '<p><a href="{}">{}</a></p>', note.record_url, _("Upstream record")
                )
            attribution = (
                format_html(". <bdi>{}</bdi>", note.attribution) if note.attribution else ""
            )
            html += format_html(
                "<p>{} <bdi>{}</bdi> ({}){}</p>", _("Data:"), note.name, note.licence, attribution
            )
        page = item.page
        if page is not None:
            # The watched page, and what changed in it: the words alone, never the whole page.
            link = (
                format_html('<a href="{}">{}</a>', page.url, page.title) if page.url else page.title
            )
            html += format_html("<p>{} <bdi>{}</bdi></p>", _("Watched page:"), link)
            if page.excerpt:
                html += format_html("<p>{} <bdi>{}</bdi></p>", _("What changed:"), page.excerpt)
        return str(html)

    def item_link(self, item: EventText) -> str:
        return item.url

    def item_guid(self, item: EventText) -> str:
        return f"tag:aperture,2025:event/{item.event_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: EventText) -> datetime.datetime | None:
        return item.created_at

    def item_updateddate(self, item: EventText) -> datetime.datetime | None:
        return item.created_at


class AllEventsFeed(_EventFeed):
    def link(self) -> str:
        return reverse("home")  # in the feed's language

    def title(self) -> str:
        return _("Aperture: every change")

    def subtitle(self) -> str:
        return _(
            "Stance changes, new statements, model status changes, changes in the datasets and "
            "policy changes, as they are recorded."
        )

    def items(self) -> list[EventText]:
        return self._texts(Event.objects.all())


class LabEventsFeed(_EventFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Company:
        return get_object_or_404(Company, slug=slug)

    def title(self, obj: Company) -> str:
        return _("Aperture: %(lab)s") % {"lab": obj.name}

    def link(self, obj: Company) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Company) -> list[EventText]:
        return self._texts(Event.objects.filter(company=obj))


class ModelEventsFeed(_EventFeed):
    def get_object(self, request: HttpRequest, slug: str) -> AIModel:
        return get_object_or_404(AIModel, slug=slug)

    def title(self, obj: AIModel) -> str:
        return _("Aperture: %(model)s") % {"model": obj.name}

    def link(self, obj: AIModel) -> str:
        return obj.get_absolute_url()

    def items(self, obj: AIModel) -> list[EventText]:
        return self._texts(Event.objects.filter(ai_models=obj))
