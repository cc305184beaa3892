"""Only an agent or an administrator leads a team: a lead gets internal escalation and automation mail
(another organization's tickets, /agent/ links). Every writer refuses a customer with one message."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from helpdesk import services
from helpdesk.models import Team

pytestmark = pytest.mark.django_db

REFUSED = "Only an agent or an administrator can lead a team"


@pytest.fixture
def browser(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def team_form(lead) -> dict:
    return {
        "name": "Escalations",
        "name_fa": "",
        "slug": "escalations",
        "description": "",
        "email": "",
        "lead": lead.pk,
        "is_active": "on",
        "referral_target_minutes": "",
        "assignment_mode": "manual",
        "max_open_per_agent": "",
    }


def test_admin_team_form_offers_no_customer_as_lead(browser, customer, agent, admin_user):
    form = browser.get("/admin/helpdesk/team/add/").context["adminform"].form
    offered = set(form.fields["lead"].queryset)
    assert customer not in offered
    assert {agent, admin_user} <= offered


def test_admin_refuses_a_customer_as_lead_of_a_new_team(browser, customer):
    response = browser.post("/admin/helpdesk/team/add/", team_form(customer))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["lead"]
    assert not Team.objects.filter(slug="escalations").exists()


def test_admin_takes_an_agent_as_lead(browser, agent):
    response = browser.post("/admin/helpdesk/team/add/", team_form(agent))
    assert response.status_code == 302
    assert Team.objects.get(slug="escalations").lead == agent


def test_admin_team_form_names_the_customer_it_refuses(customer):
    from helpdesk.admin import TeamForm

    form = TeamForm(data=team_form(customer))
    form.fields["lead"].queryset = form.fields["lead"].queryset.model.objects.all()  # past the dropdown
    assert not form.is_valid()
    assert REFUSED in form.errors["lead"][0]


def test_team_update_refuses_a_customer_as_lead(admin_user, team, customer):
    with pytest.raises(ValidationError) as refused:
        services.team_update(actor=admin_user, team=team, data={"lead": customer})
    assert REFUSED in refused.value.message_dict["lead"][0]
    team.refresh_from_db()
    assert team.lead_id is None


def test_team_create_refuses_a_customer_as_lead(customer):
    with pytest.raises(ValidationError):
        services.team_create(name="Escalations", lead=customer)
    assert not Team.objects.filter(name="Escalations").exists()
