"""Marking as spam from the agent's ticket page (a confirmation with "also block the sender") and from
the list's bulk bar, through the same service; customers never reach either."""

import pytest
from django.urls import reverse

from helpdesk.models import NotificationLog
from tests.tickets.conftest import make_mail
from tickets.email.ingest import email_ingest
from tickets.models import BlockedSender, EventKind, Status

pytestmark = pytest.mark.django_db


def _mail_ticket(mailbox, sender: str, subject: str = "Cheap watches"):
    return email_ingest(raw=make_mail(sender=sender, subject=subject), mailbox=mailbox).ticket


def test_the_ticket_page_links_to_the_confirmation_which_blocks_by_default_for_email(agent_client, mailbox):
    ticket = _mail_ticket(mailbox, "deals@watches.example")
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    url = reverse("agent:ticket-spam", args=[ticket.pk])
    assert url in page
    confirm = agent_client.get(url).content.decode()
    assert 'name="block_sender"' in confirm and "checked" in confirm and "deals@watches.example" in confirm
    assert ticket.status != Status.CLOSED  # a GET changes nothing


def test_confirming_marks_and_blocks_and_sends_nothing(agent_client, mailbox, agent):
    ticket = _mail_ticket(mailbox, "deals@watches.example")
    before = NotificationLog.objects.count()
    answer = agent_client.post(reverse("agent:ticket-spam", args=[ticket.pk]), {"block_sender": "on"}, follow=True)
    assert answer.redirect_chain[-1][0] == reverse("agent:tickets")
    assert "deals@watches.example is blocked" in answer.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.tags.filter(name="spam").exists()
    assert BlockedSender.objects.get().value == "deals@watches.example"
    assert NotificationLog.objects.count() == before  # the outbox got nothing for anyone
    timeline = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert 'marked the ticket as spam and blocked <bdi class="ev-sender">deals@watches.example</bdi>' in timeline
    assert reverse("agent:ticket-spam", args=[ticket.pk]) not in timeline  # closed: no action offered


def test_unticked_it_marks_without_blocking(agent_client, mailbox):
    ticket = _mail_ticket(mailbox, "deals@watches.example")
    agent_client.post(reverse("agent:ticket-spam", args=[ticket.pk]), {})
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and not BlockedSender.objects.exists()


def test_a_refused_block_shows_on_the_form_and_changes_nothing(agent_client, acme_ticket):
    answer = agent_client.post(reverse("agent:ticket-spam", args=[acme_ticket.pk]), {"block_sender": "on"})
    assert answer.status_code == 400 and "portal login" in answer.content.decode()
    acme_ticket.refresh_from_db()
    assert acme_ticket.status != Status.CLOSED


def test_the_confirmation_in_persian(client, mailbox, agent):
    ticket = _mail_ticket(mailbox, "deals@watches.example")
    agent.language = "fa"
    agent.save()
    client.force_login(agent)
    page = client.get(reverse("agent:ticket-spam", args=[ticket.pk])).content.decode()
    assert "هرزنامه" in page and 'dir="rtl"' in page


def test_customers_never_reach_the_page(client, customer, acme_ticket):
    client.force_login(customer)
    url = reverse("agent:ticket-spam", args=[acme_ticket.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"block_sender": "on"}).status_code == 404
    acme_ticket.refresh_from_db()
    assert acme_ticket.status != Status.CLOSED


def test_the_bulk_bar_marks_several_blocking_only_email_senders(agent_client, mailbox, make):
    first = _mail_ticket(mailbox, "a@spam.example", "One")
    second = _mail_ticket(mailbox, "b@spam.example", "Two")
    by_hand = make(subject="Typed by an agent")  # the customer persona's: no mail, so no block
    answer = agent_client.post(
        reverse("agent:ticket-bulk"),
        {"tickets": [first.pk, second.pk, by_hand.pk], "action": "spam", "block_sender": "on"},
        follow=True,
    )
    assert "3 tickets updated" in answer.content.decode()
    for ticket in (first, second, by_hand):
        ticket.refresh_from_db()
        assert ticket.status == Status.CLOSED and ticket.events.filter(kind=EventKind.MARKED_SPAM).exists()
    assert sorted(BlockedSender.objects.values_list("value", flat=True)) == ["a@spam.example", "b@spam.example"]


def test_the_bulk_bar_without_blocking_and_skipping_closed_ones(agent_client, mailbox, agent):
    first = _mail_ticket(mailbox, "a@spam.example", "One")
    done = _mail_ticket(mailbox, "b@spam.example", "Two")
    agent_client.post(reverse("agent:ticket-spam", args=[done.pk]), {})
    answer = agent_client.post(
        reverse("agent:ticket-bulk"), {"tickets": [first.pk, done.pk], "action": "spam"}, follow=True
    )
    text = answer.content.decode()
    assert "1 ticket updated" in text and "1 ticket was skipped" in text
    assert not BlockedSender.objects.exists()


def test_the_bulk_bar_offers_the_action_and_its_choice(agent_client):
    fields = agent_client.get(reverse("agent:ticket-bulk-fields")).content.decode()
    assert 'value="spam"' in fields and 'data-bulk-for="spam"' in fields
