import pytest

from helpdesk.models import Role
from tests import factories
from tickets.models import RoutingRule


@pytest.fixture
def rule(admin_user):
    """rule(name=…, conditions=[…], set_team=…, …): a rule saved through the service, as the admin."""
    from tickets.routing import rules

    def _rule(**fields):
        fields.setdefault("name", "Rule")
        return rules.routing_rule_create(actor=admin_user, **fields)

    return _rule


@pytest.fixture
def billing(db):
    return factories.TeamFactory(name="Billing", slug="billing")


@pytest.fixture
def team_agents(team):
    """Three available agents of `team`, by id."""
    agents = [factories.UserFactory(role=Role.AGENT, email=f"rr{i}@test.example") for i in range(3)]
    for agent in agents:
        agent.teams.add(team)
    return agents


def active_rules():
    return list(RoutingRule.objects.filter(is_active=True))
