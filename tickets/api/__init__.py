"""The tickets REST API (DRF views + serializers), split by resource; the views are re-exported here."""

from tickets.api.conversation import EventListView, MessageListView
from tickets.api.internal import (
    LinkListView,
    MergeView,
    ReferralAnswerView,
    ReferralCancelView,
    ReferralCustomerInformedView,
    ReferralListView,
)
from tickets.api.spam import SpamView
from tickets.api.tickets import TicketDetailView, TicketListView
from tickets.api.webhooks import (
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
    "SpamView",
    "TicketDetailView",
    "TicketListView",
    "WebhookDeliveryListView",
    "WebhookDetailView",
    "WebhookListView",
    "WebhookPingView",
    "WebhookRotateSecretView",
]
