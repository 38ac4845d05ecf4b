"""The alerts desk: who subscribes, what happened, and every delivery with its error."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.lib.admin_columns import text_short

from . import services
from .models import (
    Bounce,
    Delivery,
    DeliveryStatus,
    Event,
    Subscriber,
    Subscription,
    SubscriptionRequest,
    WebhookDelivery,
    WebhookEndpoint,
)


class WrittenByServicesAdmin(admin.ModelAdmin):
    """Outbox and log rows: the services write them with the change they record; by hand
    they would tell of nothing that happened. Their fields are read-only as well."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = [
        "company",
        "ai_model",
        "stance_changes",
        "statements",
        "model_status",
        "dataset_changes",
        "policy_changes",
        "commitments",
        "frequency",
    ]
    autocomplete_fields = ["company", "ai_model"]
    extra = 0


class SubscriptionRequestInline(admin.TabularInline):
    """What was asked for and not (yet) confirmed; read only, it expires on its own."""

    model = SubscriptionRequest
    fields = ["scope", "company", "ai_model", "created_at", "expires_at", "sent_at", "used_at"]
    readonly_fields = [
        "scope",
        "company",
        "ai_model",
        "created_at",
        "expires_at",
        "sent_at",
        "used_at",
    ]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    # The status second, so it stays in view on a 1366-pixel screen (tests/test_admin_browser.py).
    list_display = ["email", "status", "language", "confirmed_at", "bounce_reason_short"]
    list_filter = [
        "language",
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("bounced_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email"]
    readonly_fields = ["confirmation_sent_at", "created_at"]
    inlines = [SubscriptionInline, SubscriptionRequestInline]
    actions = ["revoke_links"]

    @admin.display(description=_("status"))
    def status(self, obj: Subscriber) -> str:
        if obj.bounced_at:
            return str(_("bounced"))
        if obj.unsubscribed_at:
            return str(_("unsubscribed"))
        return str(_("confirmed") if obj.confirmed_at else _("waiting for confirmation"))

    @admin.display(description=_("bounce reason"))
    def bounce_reason_short(self, obj: Subscriber) -> str:
        return text_short(obj.bounce_reason, 60)

    # Deleting forgets the address but keeps the deliveries, naming nobody, so that the events'
    # counts still add up (services.subscriber_delete), one at a time or in bulk.
    def delete_model(self, request: HttpRequest, obj: Subscriber) -> None:
        services.subscriber_delete(subscriber=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        for subscriber in queryset:
            services.subscriber_delete(subscriber=subscriber)

    @admin.action(description=_("Revoke the manage and unsubscribe links mailed so far"))
    def revoke_links(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        count = 0
        for subscriber in queryset:
            services.subscriber_links_revoke(subscriber=subscriber)
            count += 1
        message = ngettext(
            "Links revoked for %(count)d subscriber.",
            "Links revoked for %(count)d subscribers.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.INFO)


@admin.register(Event)
class EventAdmin(WrittenByServicesAdmin):
    list_display = [
        "id",
        "kind",
        "company",
        "created_at",
        "fanned_out_at",
        "sent",
        "failed",
        "last_error",
    ]
    list_filter = ["kind", ("fanned_out_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in Event._meta.fields] + ["ai_models"]
    actions = ["republish"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return (
            super()
            .get_queryset(request)
            .select_related("company")
            .annotate(
                sent_count=Count("deliveries", filter=Q(deliveries__status="sent")),
                failed_count=Count("deliveries", filter=Q(deliveries__status="failed")),
            )
        )

    @admin.display(description=_("sent"), ordering="sent_count")
    def sent(self, obj: Event) -> int:
        return int(getattr(obj, "sent_count", 0))

    @admin.display(description=_("failed"), ordering="failed_count")
    def failed(self, obj: Event) -> int:
        return int(getattr(obj, "failed_count", 0))

    @admin.action(
        description=_("Fan out again (adds only missing deliveries)"), permissions=["change"]
    )
    def republish(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        count = sum(
            services.event_publish(event_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(request, _("%(count)d events handed to the queue.") % {"count": count})


@admin.register(Delivery)
class DeliveryAdmin(WrittenByServicesAdmin):
    list_display = [
        "id",
        "status",
        "event",
        "subscriber",
        "digest",
        "attempts",
        "sent_at",
        "error_short",
    ]
    list_filter = ["status", "digest"]
    search_fields = ["subscriber__email"]
    list_select_related = ["event__company", "subscriber"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["retry"]

    @admin.display(description=_("last error"))
    def error_short(self, obj: Delivery) -> str:
        return text_short(obj.last_error, 60)

    @admin.action(description=_("Retry the selected failed deliveries"), permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = queryset.filter(status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, next_attempt_at=None, attempts=0
        )
        services.senders_start()
        self.message_user(
            request, _("%(count)d deliveries will be retried.") % {"count": count}, messages.INFO
        )


@admin.register(Bounce)
class BounceAdmin(WrittenByServicesAdmin):
    list_display = ["email", "code", "message", "created_at"]
    search_fields = ["email"]
    readonly_fields = ["subscriber", "email", "code", "message", "created_at"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "url",
        "company",
        "ai_model",
        "is_active",
        "consecutive_failures",
        "last_error",
    ]
    list_filter = ["is_active"]
    readonly_fields = ["consecutive_failures", "disabled_at", "last_error", "created_at"]
    autocomplete_fields = ["company", "ai_model"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(WrittenByServicesAdmin):
    list_display = [
        "id",
        "event",
        "endpoint",
        "status",
        "attempts",
        "response_status",
        "last_error",
    ]
    list_filter = ["status"]
    list_select_related = ["event__company", "endpoint"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
