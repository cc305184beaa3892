from django.urls import path

from tickets.blocklist import api

urlpatterns = [
    path("blocked-senders/", api.BlockedSenderListView.as_view(), name="api-blocked-sender-list"),
    path("blocked-senders/<int:pk>/", api.BlockedSenderDetailView.as_view(), name="api-blocked-sender-detail"),
]
