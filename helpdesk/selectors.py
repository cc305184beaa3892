"""Every read of users and teams, scoped to who is asking."""

from django.db.models import QuerySet

from .models import Role, Team, User


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
