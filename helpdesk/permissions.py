"""Who may use a page or an API operation, decided in one place (docs/architecture.md, "Refusals").

- What a user may not see is a 404: an object that is not theirs (selectors), and a whole area their
  role never sees: the agent workspace, knowledge-base authoring and reports for customers, webhooks
  for anyone but administrators. Pages (`agent_required`) and API operations (`IsAgent`, `IsAdmin`)
  answer alike, so the same rule never gives a different status on another channel.
- What a user sees but may not do is a 403: writing to something they can read (`NotAllowed` from a
  service, or a permission class without `hides`).
- Anonymous callers are asked to sign in first: pages redirect to the login, the API answers 401.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from rest_framework import permissions
from rest_framework.exceptions import NotFound

from helpdesk.exceptions import NotAllowed


def is_agent(user) -> bool:
    """Signed in as an agent or an administrator (False for anonymous visitors and for None)."""
    return bool(user is not None and user.is_authenticated and user.is_agent)


def is_admin(user) -> bool:
    """Signed in as an administrator (False for anonymous visitors and for None)."""
    return bool(user is not None and user.is_authenticated and user.is_admin)


def require_agent(actor) -> None:
    """A service's guard: only agents and administrators may do this (`NotAllowed`, 403 everywhere)."""
    if not is_agent(actor):
        raise NotAllowed(_("Only agents may do this."))


def require_admin(actor) -> None:
    """A service's guard: only administrators may do this (`NotAllowed`, 403 everywhere)."""
    if not is_admin(actor):
        raise NotAllowed(_("Only administrators may do this."))


def agent_required(view: Callable) -> Callable:
    """A page of the agents' side: anonymous visitors go to sign in; anyone else but agents and
    administrators gets a 404 (the page is not part of their world)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not is_agent(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class _HiddenFromOthers(permissions.BasePermission):
    """An operation only some roles see: 401 without credentials, 404 for a signed-in user without
    the role (the schema documents it through `hides`)."""

    hides = True

    def allows(self, user) -> bool:
        raise NotImplementedError

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False  # DRF answers 401 (credentials are read first)
        if not self.allows(user):
            raise NotFound
        return True


class IsAgent(_HiddenFromOthers):
    """Agents and administrators only; for customers the operation does not exist (404)."""

    def allows(self, user) -> bool:
        return is_agent(user)


class IsAdmin(_HiddenFromOthers):
    """Administrators only; for agents and customers the operation does not exist (404)."""

    def allows(self, user) -> bool:
        return is_admin(user)
