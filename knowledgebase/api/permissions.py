"""Who may call the knowledge-base API; what they see is scoped by the selectors."""

from rest_framework import permissions


class ReadAnyoneWriteAgents(permissions.BasePermission):
    """Reading is scoped by the selectors (the public sees public articles); writing needs an agent."""

    anonymous_methods = permissions.SAFE_METHODS  # the schema marks these operations public

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and request.user.is_agent)


class IsAgent(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_agent)


def _user(request):
    return request.user if request.user.is_authenticated else None
