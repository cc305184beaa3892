"""Who may call the knowledge-base API; what they see is scoped by the selectors."""

from rest_framework import permissions

from helpdesk.permissions import IsAgent, is_agent

__all__ = ["IsAgent", "ReadAnyoneWriteAgents"]


class ReadAnyoneWriteAgents(permissions.BasePermission):
    """Reading is scoped by the selectors (the public sees public articles); writing needs an agent
    (a 403 for others: they see the articles but may not change them)."""

    anonymous_methods = permissions.SAFE_METHODS  # the schema marks these operations public

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or is_agent(request.user)


def _user(request):
    return request.user if request.user.is_authenticated else None
