"""Every read of users and teams, scoped to who is asking."""

from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import ApiToken, Role, Team, User


def agent_list_for(*, user: User) -> QuerySet[User]:
    """Agents and admins, visible to agents; customers see none."""
    if not user.is_agent:
        return User.objects.none()
    return User.objects.filter(role__in=[Role.AGENT, Role.ADMIN], is_active=True).prefetch_related("teams")


def team_list_for(*, user: User) -> QuerySet[Team]:
    """Active teams; every signed-in user may know the team names (the portal shows them)."""
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(is_active=True)


def api_token_list_for(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first; nobody lists another person's tokens here."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def api_token_get_for(*, user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; Http404 for another person's (never confirming it exists), and for
    an id no database column holds (never the database's overflow error)."""
    if not 0 < token_id < 2**63:
        raise Http404
    return get_object_or_404(api_token_list_for(user=user), pk=token_id)


def staff_address(email: str | None) -> bool:
    """Whether `email` is the login of an agent or administrator (active or not), in any letter case.
    Reads user_email_ci_unique (the lower-cased address): one index probe."""
    address = (email or "").strip().lower()
    staff = User.objects.alias(address=Lower("email")).filter(address=address, role__in=(Role.AGENT, Role.ADMIN))
    return bool(address) and staff.exists()
