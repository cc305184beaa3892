"""Categories (two levels), root causes, and a problem with three incidents of Acme's customer."""

import pytest

from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets.models import Category, RootCause
from tickets.problems import services


@pytest.fixture
def categories(db):
    network = Category.objects.create(name="Network", name_fa="شبکه", position=1)
    vpn = Category.objects.create(name="VPN", name_fa="وی‌پی‌ان", parent=network)
    billing = Category.objects.create(name="Billing", name_fa="صورتحساب", position=2)
    return {"network": network, "vpn": vpn, "billing": billing}


@pytest.fixture
def root_causes(db):
    return {
        "config": RootCause.objects.create(name="Configuration error", name_fa="خطای پیکربندی"),
        "bug": RootCause.objects.create(name="Software bug", name_fa="اشکال نرم‌افزار"),
    }


@pytest.fixture
def require_root_cause(settings):
    settings.HELPDESK_REQUIRE_ROOT_CAUSE = True


@pytest.fixture
def incidents(customer, colleague, team):
    return [
        make_ticket(requester=contact_of(customer), subject="VPN drops every hour", team=team),
        make_ticket(requester=contact_of(colleague), subject="Cannot reach the VPN", team=team),
        make_ticket(requester=contact_of(customer), subject="VPN slow since Monday", team=team),
    ]


@pytest.fixture
def problem(agent, incidents, team):
    return services.problem_create(actor=agent, title="VPN gateway overloaded", team=team, tickets=incidents)
