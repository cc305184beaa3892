"""A policy whose escalation raises the priority has targets at the priority it raises to: a raise to a
priority without them would erase the ticket's SLA (its due times, its state, its breach). Every
writer refuses it with one message naming the missing priority."""

import pytest
from django.core.exceptions import ValidationError

from customers import services
from customers.models import SlaPolicy
from tests.customers.conftest import management

pytestmark = pytest.mark.django_db

HIGH_ONLY = [{"priority": "high", "first_response_minutes": 15, "resolution_minutes": 120}]
RAISE = [{"action": "raise_priority", "minutes_after_breach": 30}]


def test_the_service_refuses_a_raise_to_a_priority_without_targets(calendar):
    with pytest.raises(ValidationError) as refused:
        services.sla_policy_create(name="Gold", calendar=calendar, targets=HIGH_ONLY, escalation_steps=RAISE)
    [message] = refused.value.message_dict["escalation_steps"]
    assert "Urgent has no target" in message and "High" in message
    assert not SlaPolicy.objects.filter(name="Gold").exists()


def test_the_service_takes_a_raise_when_the_priority_above_has_the_targets(calendar):
    targets = [*HIGH_ONLY, {"priority": "urgent", "first_response_minutes": 10, "resolution_minutes": 60}]
    policy = services.sla_policy_create(name="Gold", calendar=calendar, targets=targets, escalation_steps=RAISE)
    assert policy.escalation_steps.count() == 1


def test_removing_the_targets_a_raise_needs_is_refused_too(calendar):
    targets = [*HIGH_ONLY, {"priority": "urgent", "first_response_minutes": 10, "resolution_minutes": 60}]
    policy = services.sla_policy_create(name="Gold", calendar=calendar, targets=targets, escalation_steps=RAISE)
    with pytest.raises(ValidationError) as refused:
        services.sla_policy_update(policy=policy, data={"targets": HIGH_ONLY})
    assert "Urgent has no target" in refused.value.message_dict["escalation_steps"][0]
    assert policy.targets.count() == 2


def test_the_api_refuses_it_with_a_400_naming_the_priority(world, as_user, admin_user):
    data = {"name": "Gold", "calendar": world.standard.calendar_id, "targets": HIGH_ONLY, "escalation_steps": RAISE}
    response = as_user(admin_user).post("/api/v1/sla-policies/", data, format="json")
    assert response.status_code == 400, response.content
    assert "Urgent has no target" in response.json()["errors"]["escalation_steps"][0]


def test_the_admin_refuses_it_on_the_steps(admin_client, calendar):
    data = {"name": "Admin policy", "calendar": calendar.pk, "warning_percent": "75", "is_active": "on"}
    data |= management("targets", 1) | {
        "targets-0-priority": "high",
        "targets-0-first_response_minutes": "15",
        "targets-0-resolution_minutes": "120",
    }
    data |= management("escalation_steps", 1) | {
        "escalation_steps-0-action": "raise_priority",
        "escalation_steps-0-minutes_after_breach": "30",
    }
    response = admin_client.post("/admin/customers/slapolicy/add/", data)
    assert response.status_code == 200
    [steps] = [f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "escalation_steps"]
    assert "Urgent has no target" in steps.non_form_errors()[0]
    assert not SlaPolicy.objects.filter(name="Admin policy").exists()
