from django.urls import path

from tickets.satisfaction import api

urlpatterns = [
    path("ratings/", api.RatingListView.as_view(), name="api-rating-list"),
    path("ratings/summary/", api.RatingSummaryView.as_view(), name="api-rating-summary"),
    path("tickets/<int:pk>/rating/", api.TicketRatingView.as_view(), name="api-ticket-rating"),
    path("rating-follow-ups/<int:pk>/done/", api.FollowUpDoneView.as_view(), name="api-follow-up-done"),
]
