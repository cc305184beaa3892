from django.urls import path

from tickets.alerts.urls import urlpatterns as alert_urlpatterns
from tickets.feedback.urls import urlpatterns as feedback_urlpatterns
from tickets.privacy.urls import urlpatterns as privacy_urlpatterns
from tickets.problems.urls import urlpatterns as problem_urlpatterns
from tickets.reports import views as report_views
from tickets.satisfaction.urls import urlpatterns as satisfaction_urlpatterns
from tickets.timetrack.urls import urlpatterns as timetrack_urlpatterns
from tickets.workspace import side_views, spam_views, ticket_views, views
from tickets.workspace import tool_views as workspace_views

urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/", views.ticket_list, name="tickets"),
    path("tickets/bulk/", views.ticket_bulk, name="ticket-bulk"),
    path("tickets/bulk/fields/", views.ticket_bulk_fields, name="ticket-bulk-fields"),
    path("tickets/counts/", views.ticket_tab_counts, name="ticket-tab-counts"),
    path("tickets/new/", views.ticket_new, name="ticket-new"),
    path("tickets/<int:ticket_id>/", ticket_views.ticket_detail, name="ticket"),
    path("tickets/<int:ticket_id>/timeline/", ticket_views.ticket_timeline, name="ticket-timeline"),
    # the sidebar's panels, loaded after the ticket page in one request
    path("tickets/<int:ticket_id>/side/", side_views.ticket_side, name="ticket-side"),
    path("tickets/<int:ticket_id>/reply/", ticket_views.ticket_reply, name="ticket-reply"),
    path("tickets/<int:ticket_id>/properties/", ticket_views.ticket_properties, name="ticket-properties"),
    path("tickets/<int:ticket_id>/refer/", ticket_views.ticket_refer, name="ticket-refer"),
    path("tickets/<int:ticket_id>/link/", ticket_views.ticket_link, name="ticket-link"),
    path("tickets/<int:ticket_id>/spam/", spam_views.ticket_spam, name="ticket-spam"),
    path("tickets/<int:ticket_id>/presence/", ticket_views.ticket_presence, name="ticket-presence"),
    path(
        "tickets/<int:ticket_id>/messages/<int:message_id>/original.eml",
        ticket_views.message_original,
        name="message-original",
    ),
    path(
        "tickets/<int:ticket_id>/referrals/<int:referral_id>/answer/",
        ticket_views.referral_action,
        {"action": "answer"},
        name="referral-answer",
    ),
    path(
        "tickets/<int:ticket_id>/referrals/<int:referral_id>/cancel/",
        ticket_views.referral_action,
        {"action": "cancel"},
        name="referral-cancel",
    ),
    path(
        "tickets/<int:ticket_id>/referrals/<int:referral_id>/informed/",
        ticket_views.referral_action,
        {"action": "informed"},
        name="referral-informed",
    ),
    path("tickets/<int:ticket_id>/macro/", workspace_views.macro_apply, name="macro-apply"),
    path("tickets/<int:ticket_id>/macro/preview/", workspace_views.macro_preview, name="macro-preview"),
    path("tickets/<int:ticket_id>/articles/", workspace_views.article_search, name="article-search"),
    path("tickets/<int:ticket_id>/article/new/", workspace_views.article_from_ticket, name="article-from-ticket"),
    path("referrals/", workspace_views.referral_list, name="referrals"),
    path("macros/", workspace_views.macro_list, name="macros"),
    path("macros/new/", workspace_views.macro_new, name="macro-new"),
    path("macros/<int:macro_id>/", workspace_views.macro_edit, name="macro-edit"),
    path("macros/<int:macro_id>/delete/", workspace_views.macro_delete, name="macro-delete"),
    path("views/save/", workspace_views.view_save, name="view-save"),
    path("views/<int:view_id>/delete/", workspace_views.view_delete, name="view-delete"),
    path("articles/<int:article_id>/tickets/", workspace_views.article_usage, name="article-usage"),
    path("contacts/lookup/", views.contact_lookup, name="contact-lookup"),
    path("calls/new/", views.call_new, name="call-new"),
    path("reports/", report_views.report_index, name="reports"),
    path("reports/sla/", report_views.report_page, {"slug": "sla"}, name="report-sla"),  # its address since 0.1
    path("reports/<slug:slug>/", report_views.report_page, name="report"),
]
urlpatterns += feedback_urlpatterns  # product feedback and sales opportunities
urlpatterns += privacy_urlpatterns  # the contact page: export and erasure
urlpatterns += problem_urlpatterns  # problem records
urlpatterns += satisfaction_urlpatterns  # the ticket's rating, survey and follow-up of a bad rating
urlpatterns += alert_urlpatterns  # the notification centre
urlpatterns += timetrack_urlpatterns  # the ticket's time panel: log, change, delete time entries
