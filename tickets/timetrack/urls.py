"""The ticket page's time panel and its actions (included in the agent namespace)."""

from django.urls import path

from tickets.timetrack import views

urlpatterns = [
    path("tickets/<int:ticket_id>/time/", views.ticket_time, name="ticket-time"),
    path("tickets/<int:ticket_id>/time/add/", views.ticket_time_add, name="ticket-time-add"),
    path(
        "tickets/<int:ticket_id>/time/<int:entry_id>/edit/",
        views.ticket_time_edit,
        {"action": "edit"},
        name="ticket-time-edit",
    ),
    path(
        "tickets/<int:ticket_id>/time/<int:entry_id>/delete/",
        views.ticket_time_edit,
        {"action": "delete"},
        name="ticket-time-delete",
    ),
]
