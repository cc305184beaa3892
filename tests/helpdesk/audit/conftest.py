from datetime import time

import pytest
from django.utils import timezone

from customers import services as customer_services
from customers.models import BusinessCalendar, Contact, Organization, Product, SlaPolicy
from helpdesk.audit import audit_context
from helpdesk.models import Team, User
from tickets.models import Category, Macro, Mailbox, RootCause, RoutingRule


@pytest.fixture
def many_changes(admin_user, agent, team):
    """Changes of `n` rows of every kind of record, by an admin, an agent and the system."""

    def make(n: int) -> None:
        stamp = timezone.now().strftime("%H%M%S%f")
        for i in range(n):
            who = admin_user if i % 3 == 0 else agent if i % 3 == 1 else None
            with audit_context(user=who, reason="test"):
                org = Organization.objects.create(name=f"Org {stamp} {i}")
                org.notes = f"note {i}"
                org.save()
                Contact.objects.create(email=f"c{stamp}{i}@example.test", full_name=f"Person {i}", organization=org)
                Product.objects.create(name=f"Product {i}", code=f"p-{stamp}-{i}")
                calendar = BusinessCalendar.objects.create(name=f"Calendar {stamp} {i}")
                customer_services.calendar_update(
                    calendar=calendar, data={"periods": [{"weekday": 0, "start": time(9), "end": time(17)}]}
                )
                SlaPolicy.objects.create(name=f"Policy {stamp} {i}", calendar=calendar)
                new_team = Team.objects.create(name=f"Team {stamp} {i}", slug=f"t-{stamp}-{i}")
                user = User.objects.create_user(email=f"u{stamp}{i}@example.test", role="agent")
                user.teams.add(new_team)
                Mailbox.objects.create(name=f"Box {i}", address=f"box{stamp}{i}@example.test")
                RoutingRule.objects.create(name=f"Rule {i}", position=i)
                Category.objects.create(name=f"Category {stamp} {i}")
                RootCause.objects.create(name=f"Cause {stamp} {i}")
                Macro.objects.create(name=f"Macro {i}", body="Hello", owner=agent)

    return make
