"""Agent pages of satisfaction (included in the agent namespace)."""

from django.urls import path

from tickets.satisfaction import views

urlpatterns = [
    path("tickets/<int:ticket_id>/satisfaction/", views.ticket_satisfaction, name="ticket-satisfaction"),
    path(
        "tickets/<int:ticket_id>/follow-ups/<int:follow_up_id>/done/",
        views.follow_up_done,
        name="ticket-follow-up-done",
    ),
]
