from django.urls import path

from tickets.feedback import api

urlpatterns = [
    path("feedback-items/", api.FeedbackItemListView.as_view(), name="api-feedback-list"),
    path("feedback-items/<int:pk>/", api.FeedbackItemDetailView.as_view(), name="api-feedback-detail"),
    path("feedback-items/<int:pk>/tickets/", api.FeedbackTicketListView.as_view(), name="api-feedback-tickets"),
    path(
        "feedback-items/<int:pk>/tickets/<int:ticket_id>/",
        api.FeedbackTicketDetailView.as_view(),
        name="api-feedback-ticket",
    ),
    path("feedback-items/<int:pk>/demand/", api.FeedbackDemandView.as_view(), name="api-feedback-demand"),
    path("feedback-items/<int:pk>/notify/", api.FeedbackNotifyView.as_view(), name="api-feedback-notify"),
]
