"""Who may write which customer resource; reading is scoped by the selectors."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request


class AgentsWriteAdminsDelete(BasePermission):
    """Reading for anyone signed in (selectors scope it); agents create and change; admins delete."""

    message = _("You are not allowed to change this.")

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return user.is_admin
        return user.is_agent


class AdminsWrite(BasePermission):
    """Configuration: reading for anyone signed in (selectors scope it), writing for administrators."""

    message = _("Only administrators can change the configuration.")

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or user.is_admin
