from django.urls import path

from tickets.opportunities import api

urlpatterns = [
    path("opportunities/", api.OpportunityListView.as_view(), name="api-opportunity-list"),
    path("opportunities/<int:pk>/", api.OpportunityDetailView.as_view(), name="api-opportunity-detail"),
    path("opportunities/<int:pk>/history/", api.OpportunityHistoryView.as_view(), name="api-opportunity-history"),
]
