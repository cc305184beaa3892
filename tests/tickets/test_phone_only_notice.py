"""The ticket page says when the requester has no email address (replies are not mailed), at no
extra query."""

import pytest
from django.urls import reverse

from tests.tickets.test_agent_pages import _ticket_queries
from tickets import services

pytestmark = pytest.mark.django_db

NOTICE = "This customer has no email address: replies are not sent by email."


def test_the_ticket_page_says_replies_are_not_mailed_and_keeps_its_query_count(
    django_assert_max_num_queries, agent_client, agent, caller
):
    ticket = services.ticket_open(actor=agent, requester=caller, subject="Router", body="It blinks.")
    page = _ticket_queries(django_assert_max_num_queries, agent_client, ticket).content.decode()
    assert NOTICE in page and "Reza Karimi" in page
    side = agent_client.get(reverse("agent:ticket-side", args=[ticket.pk])).content.decode()
    card = side.split('id="customer-title"')[1].split("</section>")[0]
    assert "mailto:" not in card and "None" not in card and "0912 123 4567" in card and NOTICE in card


def test_the_ticket_page_of_a_requester_with_email_has_no_notice(agent_client, agent, requester):
    ticket = services.ticket_open(actor=agent, requester=requester, subject="Router", body="It blinks.")
    assert NOTICE not in agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
