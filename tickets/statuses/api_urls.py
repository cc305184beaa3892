from django.urls import path

from tickets.statuses import api

urlpatterns = [
    path("custom-statuses/", api.CustomStatusListView.as_view(), name="api-custom-status-list"),
    path("custom-statuses/<int:pk>/", api.CustomStatusDetailView.as_view(), name="api-custom-status-detail"),
]
