"""Alerts: the outbox, fan-out, exactly-once sending, subscriptions, digests and webhooks.

Each function is keyword-only and named <noun>_<verb>; each module holds one part:

* :mod:`.outbox`: an Event written in the transaction of the change it reports, published
  to Celery after commit.
* :mod:`.fanout`: one delivery per (event, subscriber) and per (event, webhook endpoint).
* :mod:`.queue`: the work queues of deliveries (apps/lib/workqueue.py), the Celery task names
  services publish by, and the one sender loop.
* :mod:`.sending`: instant alert mail and the daily digest.
* :mod:`.webhooks`: signed webhook posts.
* :mod:`.bounces`: addresses that bounce.
* :mod:`.subscriptions` and :mod:`.confirmations`: subscribing with double opt-in, managing,
  unsubscribing, expiry of unconfirmed addresses.
* :mod:`.sweep`: the sweeper beat runs every minute.
* :mod:`.texts`: event texts rendered once per language for a whole run.

``from apps.alerts import services`` and ``services.<name>`` reach every public name below.
"""

from .bounces import bounce_record
from .confirmations import confirmation_publish, confirmation_send
from .fanout import KIND_FLAG, FanOutReport, event_fan_out, subscriptions_matching
from .outbox import (
    dataset_changes_newsworthy,
    event_publish,
    event_record,
    event_record_commitment_outcome,
    event_record_dataset_changes,
    event_record_model_status,
    event_record_page_change,
    event_record_stance_changes,
    event_record_statement_published,
    stance_changes_newsworthy,
)
from .queue import (
    DELIVERIES,
    MAX_COUNTDOWN_SECONDS,
    WEBHOOK_DELIVERIES,
    AlertTask,
    SendOutcome,
    SendReport,
    SendResult,
    senders_start,
    task_publish,
)
from .sending import deliveries_defer_over_limit, deliveries_send, digests_send
from .subscriptions import (
    ExpiryReport,
    SubscriptionRequestExpired,
    SubscriptionRequestUsed,
    SubscriptionScopeGone,
    email_normalize,
    subscriber_delete,
    subscriber_language_set,
    subscriber_links_revoke,
    subscriber_unsubscribe,
    subscription_confirm,
    subscription_request,
    subscription_request_check,
    subscription_update,
    unconfirmed_expire,
)
from .sweep import SweepReport, alerts_sweep
from .texts import EventTexts
from .webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    webhook_body,
    webhook_delivery_key,
    webhook_signature,
    webhooks_send,
)

__all__ = [
    "DELIVERIES",
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "IDEMPOTENCY_HEADER",
    "KIND_FLAG",
    "MAX_COUNTDOWN_SECONDS",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WEBHOOK_DELIVERIES",
    "AlertTask",
    "EventTexts",
    "ExpiryReport",
    "FanOutReport",
    "SendOutcome",
    "SendReport",
    "SendResult",
    "SubscriptionRequestExpired",
    "SubscriptionRequestUsed",
    "SubscriptionScopeGone",
    "SweepReport",
    "alerts_sweep",
    "bounce_record",
    "confirmation_publish",
    "confirmation_send",
    "dataset_changes_newsworthy",
    "deliveries_defer_over_limit",
    "deliveries_send",
    "digests_send",
    "email_normalize",
    "event_fan_out",
    "event_publish",
    "event_record",
    "event_record_commitment_outcome",
    "event_record_dataset_changes",
    "event_record_model_status",
    "event_record_page_change",
    "event_record_stance_changes",
    "event_record_statement_published",
    "senders_start",
    "stance_changes_newsworthy",
    "subscriber_delete",
    "subscriber_language_set",
    "subscriber_links_revoke",
    "subscriber_unsubscribe",
    "subscription_confirm",
    "subscription_request",
    "subscription_request_check",
    "subscription_update",
    "subscriptions_matching",
    "task_publish",
    "unconfirmed_expire",
    "webhook_body",
    "webhook_delivery_key",
    "webhook_signature",
    "webhooks_send",
]
