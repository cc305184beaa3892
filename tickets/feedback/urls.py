"""Agent pages of product feedback and sales opportunities (included in the agent namespace)."""

from django.urls import path

from tickets.feedback import views as feedback_views
from tickets.opportunities import views as opportunity_views

urlpatterns = [
    path("feedback/", feedback_views.feedback_list, name="feedback"),
    path("feedback/<int:item_id>/", feedback_views.feedback_item, name="feedback-item"),
    path("feedback/<int:item_id>/edit/", feedback_views.feedback_edit, name="feedback-edit"),
    path("feedback/<int:item_id>/notify/", feedback_views.feedback_notify, name="feedback-notify"),
    path(
        "feedback/<int:item_id>/tickets/<int:ticket_id>/unlink/",
        feedback_views.feedback_unlink,
        name="feedback-unlink",
    ),
    path("tickets/<int:ticket_id>/feedback/", feedback_views.ticket_feedback_link, name="ticket-feedback"),
    path("opportunities/", opportunity_views.opportunity_list, name="opportunities"),
    path("opportunities/<int:opportunity_id>/", opportunity_views.opportunity_detail, name="opportunity"),
    path("tickets/<int:ticket_id>/opportunity/", opportunity_views.ticket_opportunity_new, name="ticket-opportunity"),
]
