from django.urls import path

from . import api
from .audit import api as audit_api

urlpatterns = [
    path("", api.ApiRootView.as_view(), name="api-root"),
    path("auth/token/", api.TokenLoginView.as_view(), name="api-auth-token"),
    path("auth/tokens/", api.ApiTokenListView.as_view(), name="api-auth-token-list"),
    path("auth/tokens/<int:token_id>/", api.ApiTokenDetailView.as_view(), name="api-auth-token-detail"),
    path("auth/me/", api.MeView.as_view(), name="api-auth-me"),
    path("auth/me/availability/", api.AvailabilityView.as_view(), name="api-auth-availability"),
    path("teams/", api.TeamListView.as_view(), name="api-team-list"),
    path("teams/<int:pk>/assignment/", api.TeamAssignmentView.as_view(), name="api-team-assignment"),
    path("users/", api.AgentListView.as_view(), name="api-user-list"),
    path("audit-log/", audit_api.AuditLogView.as_view(), name="api-audit-log"),
]
