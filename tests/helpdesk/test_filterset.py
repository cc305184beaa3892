"""helpdesk.api_support.FilterSet: set up once per class, yet every request gets its own filters."""

from types import SimpleNamespace

import pytest
from django.http import QueryDict

from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets.filters import TicketCustomerFilter, TicketFilter
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_method_filters_answer_to_their_own_request(agent, other_agent, customer):
    mine = make_ticket(requester=contact_of(customer), assignee=agent)
    theirs = make_ticket(requester=contact_of(customer), assignee=other_agent)
    data = QueryDict("assignee=me")
    first = TicketFilter(data, queryset=Ticket.objects.all(), request=SimpleNamespace(user=agent))
    second = TicketFilter(data, queryset=Ticket.objects.all(), request=SimpleNamespace(user=other_agent))
    # Both exist before either filters: `me` must not resolve through a filter set shared by the class.
    assert [t.pk for t in first.qs] == [mine.pk]
    assert [t.pk for t in second.qs] == [theirs.pk]
    assert getattr(TicketFilter.base_filters["assignee"], "parent", None) is None


def test_the_form_class_is_built_once_per_filter_set_class(agent):
    request = SimpleNamespace(user=agent)
    one = TicketFilter(QueryDict("status=open"), queryset=Ticket.objects.all(), request=request)
    two = TicketFilter(QueryDict("status=bogus"), queryset=Ticket.objects.all(), request=request)
    assert one.get_form_class() is two.get_form_class()
    assert one.is_valid() and not two.is_valid()
    assert "status" in two.errors and "status" not in one.errors  # each request its own form and errors
    # A subclass has its own form, with its own fields.
    customer_form = TicketCustomerFilter(QueryDict(), queryset=Ticket.objects.all()).get_form_class()
    assert "team" in one.get_form_class().base_fields and "team" not in customer_form.base_fields
