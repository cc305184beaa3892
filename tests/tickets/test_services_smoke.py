import pytest

from customers.models import Contact
from helpdesk.exceptions import InvalidTransition
from tests.factories import make_ticket
from tickets import services
from tickets.models import EventKind, Status


@pytest.mark.django_db
def test_a_ticket_lives_through_reply_solve_and_customer_reopen(agent, customer, django_capture_on_commit_callbacks):
    contact = Contact.objects.get(user=customer)
    with django_capture_on_commit_callbacks(execute=False):
        ticket = make_ticket(requester=contact, actor=customer)
        assert ticket.status == Status.NEW
        services.ticket_reply(ticket=ticket, actor=agent, body="Have you tried water?", status=Status.PENDING)
        ticket.refresh_from_db()
        assert ticket.status == Status.PENDING and ticket.first_responded_at is not None
        services.ticket_reply(ticket=ticket, actor=customer, body="Yes, still burning")
        ticket.refresh_from_db()
        assert ticket.status == Status.OPEN
        services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
        services.ticket_change_status(ticket=ticket, actor=customer, status=Status.OPEN)
        with pytest.raises(InvalidTransition):
            services.ticket_change_status(ticket=ticket, actor=customer, status=Status.PENDING)
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds[0] == EventKind.CREATED and EventKind.STATUS_CHANGED in kinds


@pytest.mark.django_db
def test_solving_with_a_reply_tells_the_customer_once(agent, customer, django_capture_on_commit_callbacks):
    from helpdesk.models import NotificationLog

    contact = Contact.objects.get(user=customer)
    with django_capture_on_commit_callbacks(execute=False):
        ticket = make_ticket(requester=contact, actor=customer)
        services.ticket_reply(ticket=ticket, actor=agent, body="Fixed.", status=Status.SOLVED)
        services.ticket_reply(ticket=ticket, actor=agent, body="Also: a note.", internal=True)
    # The reply says it is solved (tests/tickets/test_reply_and_solve_mail.py): one mail, no separate solved mail.
    rows = NotificationLog.objects.filter(ticket_id=ticket.pk, template__in=["agent_reply", "ticket_solved"])
    assert [(row.template, row.context.get("solved")) for row in rows] == [("agent_reply", True)]


@pytest.mark.django_db
def test_without_surveys_the_solved_mail_carries_one_click_rating_links(agent, customer, mailoutbox, settings):
    """With surveys on (the default) the links are in the survey instead (tests/tickets/satisfaction)."""
    settings.HELPDESK_SURVEYS = False
    from helpdesk.models import NotificationLog
    from helpdesk.outbox.sending import notification_send

    contact = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=contact, actor=customer)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    row = NotificationLog.objects.get(ticket_id=ticket.pk, template="ticket_solved")
    assert notification_send(notification_id=row.pk)
    mail = mailoutbox[-1]
    assert mail.body.count("/portal/rate/") == 5
    assert "/portal/rate/" in mail.alternatives[0][0]
