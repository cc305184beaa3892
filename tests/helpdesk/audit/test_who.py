"""Who made each change, on every path: pages, the API with a token (authenticated in the view, not
the middleware), the admin, a Celery task and a management command (nobody, with the reason)."""

import sys
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from customers.models import Organization
from helpdesk import services, tasks
from helpdesk.audit import audit_context, channel_reason
from helpdesk.models import ApiToken, Team, User

pytestmark = pytest.mark.django_db


def _latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_id").first()


def test_a_change_on_a_page_names_the_signed_in_user_and_the_page(agent):
    client = Client()
    client.force_login(agent)
    response = client.post("/profile/", {"full_name": "Agnes Page", "language": "en", "time_zone": ""})
    assert response.status_code == 302
    row = _latest(User, agent.pk)
    assert row.full_name == "Agnes Page"
    assert row.history_user_id == agent.pk and row.history_change_reason == "page"


def test_a_change_through_the_api_with_a_token_names_the_tokens_owner(admin_user, organization):
    _token, key = services.api_token_create(user=admin_user, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.patch(f"/api/v1/organizations/{organization.pk}/", {"notes": "VIP"}, format="json")
    assert response.status_code == 200, response.content
    row = _latest(Organization, organization.pk)
    assert row.notes == "VIP"
    assert row.history_user_id == admin_user.pk and row.history_change_reason == "api"


def test_a_change_in_the_admin_names_the_admin(admin_user, team):
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/helpdesk/team/{team.pk}/change/",
        {
            "name": "First line",
            "name_fa": "",
            "slug": team.slug,
            "description": "",
            "email": "",
            "is_active": "on",
            "referral_target_minutes": team.referral_target_minutes or "",
            "assignment_mode": team.assignment_mode,
            "max_open_per_agent": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    row = _latest(Team, team.pk)
    assert row.name == "First line"
    assert row.history_user_id == admin_user.pk and row.history_change_reason == "admin"


def test_a_celery_task_is_the_system_and_names_the_task(agent):
    token, _key = services.api_token_create(user=agent, name="old", now=timezone.now() - timedelta(days=400))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    tasks.delete_expired_api_tokens.apply()
    row = _latest(ApiToken, token.pk)
    assert row.history_type == "-"
    assert row.history_user_id is None
    assert row.history_change_reason == "task: helpdesk.tasks.delete_expired_api_tokens"


def test_a_management_command_is_the_system_and_names_the_command(monkeypatch, organization):
    monkeypatch.setattr(sys, "argv", ["manage.py", "load_demo"])
    assert channel_reason() == "command: load_demo"
    organization.notes = "from a command"
    organization.save()
    row = _latest(Organization, organization.pk)
    assert row.history_user_id is None and row.history_change_reason == "command: load_demo"


def test_an_explicit_context_names_its_user_and_reason(admin_user, organization):
    with audit_context(user=admin_user, reason="import"):
        organization.notes = "imported"
        organization.save()
    row = _latest(Organization, organization.pk)
    assert row.history_user_id == admin_user.pk and row.history_change_reason == "import"


def test_one_save_writes_one_history_row(organization, django_assert_num_queries):
    organization.notes = "one more"
    with django_assert_num_queries(2):  # the UPDATE, the history INSERT
        organization.save()


def test_a_save_of_bookkeeping_columns_only_writes_no_row(agent):
    before = User.history.filter(id=agent.pk).count()
    agent.last_login = timezone.now()
    agent.save(update_fields=["last_login"])
    agent.is_away = True
    agent.save(update_fields=["is_away"])
    assert User.history.filter(id=agent.pk).count() == before


def test_a_password_change_is_recorded_without_the_hash(agent):
    services.user_set_password(user=agent, password="a-long unusual passphrase 42")
    row = _latest(User, agent.pk)
    assert row.history_change_reason.endswith("changed: password")
    assert not hasattr(row, "password")


def test_team_memberships_are_recorded(agent, other_team):
    agent.teams.add(other_team)
    row = _latest(User, agent.pk)
    assert other_team.pk in set(row.teams.values_list("team_id", flat=True))


def test_deactivating_a_login_is_recorded_though_it_is_an_update(admin_user, agent):
    with audit_context(user=admin_user, reason="admin"):
        services.user_set_active(user=agent, active=False)
    row = _latest(User, agent.pk)
    assert row.is_active is False and row.history_user_id == admin_user.pk
