from django.urls import path

from tickets import api
from tickets.api.macros import MacroApplyView, MacroDetailView, MacroListView
from tickets.attachments.views import AttachmentDownloadView
from tickets.reports.api import DeflectionReportView, ReportView, SlaReportView
from tickets.routing.api import RoutingRuleDetailView, RoutingRuleListView
from tickets.timetrack import api as time_api
from tickets.triggers.api import TimedRuleDetailView, TimedRuleListView, TriggerDetailView, TriggerListView

urlpatterns = [
    path("tickets/", api.TicketListView.as_view(), name="api-ticket-list"),
    path("tickets/<int:pk>/", api.TicketDetailView.as_view(), name="api-ticket-detail"),
    path("tickets/<int:pk>/messages/", api.MessageListView.as_view(), name="api-ticket-messages"),
    path("tickets/<int:pk>/events/", api.EventListView.as_view(), name="api-ticket-events"),
    path("tickets/<int:pk>/referrals/", api.ReferralListView.as_view(), name="api-ticket-referrals"),
    path(
        "tickets/<int:pk>/referrals/<int:rid>/answer/",
        api.ReferralAnswerView.as_view(),
        name="api-ticket-referral-answer",
    ),
    path(
        "tickets/<int:pk>/referrals/<int:rid>/cancel/",
        api.ReferralCancelView.as_view(),
        name="api-ticket-referral-cancel",
    ),
    path(
        "tickets/<int:pk>/referrals/<int:rid>/customer-informed/",
        api.ReferralCustomerInformedView.as_view(),
        name="api-ticket-referral-customer-informed",
    ),
    path("tickets/<int:pk>/links/", api.LinkListView.as_view(), name="api-ticket-links"),
    path("tickets/<int:pk>/merge/", api.MergeView.as_view(), name="api-ticket-merge"),
    path("tickets/<int:pk>/spam/", api.SpamView.as_view(), name="api-ticket-spam"),
    path("attachments/<int:pk>/download/", AttachmentDownloadView.as_view(), name="api-attachment-download"),
    path("reports/sla/", SlaReportView.as_view(), name="api-report-sla"),
    path("reports/deflection/", DeflectionReportView.as_view(), name="api-report-deflection"),
    path("macros/", MacroListView.as_view(), name="api-macro-list"),
    path("macros/<int:pk>/", MacroDetailView.as_view(), name="api-macro-detail"),
    path("macros/<int:pk>/apply/", MacroApplyView.as_view(), name="api-macro-apply"),
    path("reports/<slug:name>/", ReportView.as_view(), name="api-report"),
    path("routing-rules/", RoutingRuleListView.as_view(), name="api-routing-rule-list"),
    path("routing-rules/<int:pk>/", RoutingRuleDetailView.as_view(), name="api-routing-rule-detail"),
    path("time-entries/", time_api.TimeEntryListView.as_view(), name="api-time-entry-list"),
    path("time-entries/<int:pk>/", time_api.TimeEntryDetailView.as_view(), name="api-time-entry-detail"),
    path("time-activities/", time_api.ActivityListView.as_view(), name="api-time-activity-list"),
    path("contracts/<int:pk>/hours/", time_api.ContractHoursView.as_view(), name="api-contract-hours"),
    path("triggers/", TriggerListView.as_view(), name="api-trigger-list"),
    path("triggers/<int:pk>/", TriggerDetailView.as_view(), name="api-trigger-detail"),
    path("timed-rules/", TimedRuleListView.as_view(), name="api-timed-rule-list"),
    path("timed-rules/<int:pk>/", TimedRuleDetailView.as_view(), name="api-timed-rule-detail"),
    path("webhooks/", api.WebhookListView.as_view(), name="api-webhook-list"),
    path("webhooks/<int:pk>/", api.WebhookDetailView.as_view(), name="api-webhook-detail"),
    path("webhooks/<int:pk>/rotate-secret/", api.WebhookRotateSecretView.as_view(), name="api-webhook-rotate-secret"),
    path("webhooks/<int:pk>/ping/", api.WebhookPingView.as_view(), name="api-webhook-ping"),
    path("webhooks/<int:pk>/deliveries/", api.WebhookDeliveryListView.as_view(), name="api-webhook-deliveries"),
]
