"""The tickets REST API (DRF views + serializers), split by resource; the views are re-exported here."""

from .conversation import EventListView, MessageListView
from .internal import (
    LinkListView,
    MergeView,
    ReferralAnswerView,
    ReferralCancelView,
    ReferralCustomerInformedView,
    ReferralListView,
)
from .tickets import TicketDetailView, TicketListView
from .webhooks import (
    WebhookDeliveryListView,
    WebhookDetailView,
    WebhookListView,
    WebhookPingView,
    WebhookRotateSecretView,
)

__all__ = [
    "EventListView",
    "LinkListView",
    "MergeView",
    "MessageListView",
    "ReferralAnswerView",
    "ReferralCancelView",
    "ReferralCustomerInformedView",
    "ReferralListView",
    "TicketDetailView",
    "TicketListView",
    "WebhookDeliveryListView",
    "WebhookDetailView",
    "WebhookListView",
    "WebhookPingView",
    "WebhookRotateSecretView",
]
