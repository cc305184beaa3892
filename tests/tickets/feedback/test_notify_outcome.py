"""Telling customers a feature shipped is a notice, not an answer: the mail reaches them, but no response
is recorded and no SLA target is met (tickets.services.ticket_reply with notice=True)."""

import pytest
from django.utils import timezone

from customers.models import BusinessCalendar, SlaPolicy
from helpdesk.exceptions import NotAllowed
from helpdesk.models import NotificationLog, Priority
from helpdesk.outbox.sending import notification_send
from tests.factories import make_ticket
from tickets import services as ticket_services
from tickets.feedback import notify, selectors, services
from tickets.models import EventKind, FeedbackLink, Message, Status, Ticket, TicketEvent
from tickets.sla.store import sla_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(db):
    """The feedback data set's policy, with targets: every ticket has a first-response clock running."""
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Basic", calendar=calendar)
    for priority in Priority.values:
        policy.targets.create(
            priority=priority, first_response_minutes=600, next_response_minutes=600, resolution_minutes=6000
        )
    return policy


def _sla(ticket: Ticket) -> tuple:
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.first_responded_at,
        ticket.first_response_business_minutes,
        ticket.last_agent_activity_at,
        ticket.assignee_id,
        ticket.first_response_due_at,
        ticket.next_response_due_at,
        ticket.resolution_due_at,
        ticket.sla_state,
    )


def _ship_and_tell(item, agent) -> int:
    item = services.feedback_item_update(item=item, actor=agent, changes={"status": "shipped"})
    services.feedback_item_notify(item=item, actor=agent)
    told, _more = notify.feedback_notify_pending(item_id=item.pk, actor_id=agent.pk, status="shipped")
    return told


def test_the_shipped_notice_reaches_the_customer_without_counting_as_a_response(item, known, agent):
    tickets = known["tickets"]
    # Otto's ticket predates Globex's contract: no policy, no clocks; the other three have them running.
    assert [(t.status, t.first_response_due_at is not None) for t in tickets] == [(Status.NEW, True)] * 3 + [
        (Status.NEW, False)
    ]
    for ticket in tickets:  # the stored state brought up to now: ten days have passed since they were opened
        sla_refresh(ticket=ticket, now=timezone.now())
    before = {t.pk: _sla(t) for t in tickets}

    assert _ship_and_tell(item, agent) == 4

    assert {t.pk: _sla(t) for t in tickets} == before  # no response, same clocks, still new, nobody took it
    events = TicketEvent.objects.filter(ticket__in=tickets)
    assert not events.filter(kind__in=[EventKind.SLA_MET, EventKind.SLA_BREACHED, EventKind.STATUS_CHANGED]).exists()
    notices = Message.objects.filter(ticket__in=tickets, author_user=agent)
    assert notices.count() == 4 and all(m.notice and not m.internal for m in notices)
    mails = NotificationLog.objects.filter(template="agent_reply", ticket_id__in=[t.pk for t in tickets])
    assert sorted(mails.values_list("context__message", flat=True)) == sorted(m.pk for m in notices)


def test_the_first_real_answer_after_the_notice_is_the_first_response(item, known, agent):
    ticket = known["tickets"][0]
    _ship_and_tell(item, agent)

    reply = ticket_services.ticket_reply(ticket=ticket, actor=agent, body="Here is how to switch it on.")

    ticket.refresh_from_db()
    assert ticket.first_responded_at == reply.created_at and ticket.status == Status.OPEN
    # Ten days on, the target is met late: one event, of the real answer.
    done = TicketEvent.objects.filter(ticket=ticket, field="first_response", data__met=True)
    assert list(done.values_list("kind", flat=True)) == [EventKind.SLA_BREACHED]


def test_a_notice_is_an_agents_public_message_only(known, agent, customer):
    ticket = known["tickets"][0]
    with pytest.raises(ValueError):
        ticket_services.ticket_reply(ticket=ticket, actor=agent, body="x", notice=True, internal=True)
    with pytest.raises(ValueError):
        ticket_services.ticket_reply(ticket=ticket, actor=agent, body="x", notice=True, status=Status.SOLVED)
    with pytest.raises(NotAllowed):
        ticket_services.ticket_reply(ticket=ticket, actor=customer, body="x", notice=True)
    assert not Message.objects.filter(notice=True).exists()


def _close(ticket: Ticket, agent) -> None:
    ticket_services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    ticket_services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED)


def _send_all(mailoutbox, *, to: str) -> list:
    """Send every unsent outbox row (as the worker would) and return the mails that went to `to`."""
    start = len(mailoutbox)
    for row in NotificationLog.objects.filter(sent_at__isnull=True, kind=NotificationLog.Kind.EMAIL).order_by("id"):
        assert notification_send(notification_id=row.pk)
    return [mail for mail in mailoutbox[start:] if mail.to == [to]]


def test_a_customer_whose_ticket_is_closed_is_told_by_mail_alone_and_only_once(
    item, known, agent, colleague, mailoutbox
):
    closed = known["tickets"][2]  # Bob's
    _close(closed, agent)
    _send_all(mailoutbox, to=colleague.email)  # the solved mail, out of the way
    item = services.feedback_item_update(item=item, actor=agent, changes={"status": "shipped"})
    assert selectors.feedback_pending_links(item=item).count() == 4  # Bob is among those not told yet

    assert _ship_and_tell(item, agent) == 4

    closed.refresh_from_db()
    assert closed.status == Status.CLOSED  # not reopened
    assert not Message.objects.filter(ticket=closed, author_user=agent).exists()  # a closed ticket takes none
    link = FeedbackLink.objects.get(item=item, ticket=closed)
    assert link.notified_status == "shipped" and link.notified_at and link.notified_message is None
    [mail] = _send_all(mailoutbox, to=colleague.email)
    assert "Dark mode" in mail.body and "now available" in mail.body and f"#{closed.pk}" in mail.subject
    assert "Reply to this email to add to your request." not in mail.body  # a reply would open a follow-up

    assert services.feedback_item_notify(item=item, actor=agent) == 0
    assert notify.feedback_notify_pending(item_id=item.pk, actor_id=agent.pk, status="shipped") == (0, False)
    assert NotificationLog.objects.filter(template="feedback_outcome").count() == 1


def test_a_closed_tickets_customer_known_by_phone_only_cannot_be_told_and_is_not_counted(item, known, agent, caller):
    by_phone = make_ticket(requester=caller, subject="Dark mode on the phone", actor=agent)
    _close(by_phone, agent)
    services.feedback_link(item=item, tickets=[by_phone], actor=agent)
    item = services.feedback_item_update(item=item, actor=agent, changes={"status": "shipped"})
    assert selectors.feedback_pending_links(item=item).count() == 4  # the four with an address

    assert _ship_and_tell(item, agent) == 4
    assert FeedbackLink.objects.get(item=item, ticket=by_phone).notified_status == ""
    assert not NotificationLog.objects.filter(ticket_id=by_phone.pk, template="feedback_outcome").exists()
