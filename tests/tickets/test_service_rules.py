"""One rule in one service, through every channel that uses it: ticket_open (find or create the requester
and open, all or nothing), ticket_edit (fields and status together), ticket_customer_reply (reply,
reopen or follow-up), merge through the status table, events that queue their webhooks."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Contact
from helpdesk.exceptions import InvalidTransition
from helpdesk.models import NotificationLog, WebhookEndpoint
from tests.tickets.conftest import contact_of, make_mail
from tickets import events, services
from tickets.email.ingest import email_ingest
from tickets.models import EventKind, Status, Ticket, TicketEvent
from tickets.services import edit as edit_service
from tickets.services import open as open_service
from tickets.services import status as status_service
from tickets.transitions import SYSTEM_ALLOWED, can_transition

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _spy(monkeypatch, name: str) -> list:
    calls = []
    real = getattr(services, name)

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, name, spy)
    return calls


def _fail_after_the_ticket_row(monkeypatch):
    """A later step of opening (indexing the first message) fails after the contact and ticket rows exist."""

    def refuse(**kwargs):
        raise ValidationError({"body": ["The search index refused this text."]})

    monkeypatch.setattr(open_service, "ticket_index", refuse)


# --- ticket_open: every channel, one transaction ----------------------------------------------


def test_every_channel_opens_tickets_through_ticket_open(monkeypatch, agent_client, customer, token_client, agent):
    calls = _spy(monkeypatch, "ticket_open")
    new = {"email": "a@new.test", "subject": "Page", "body": "b", "channel": "phone", "priority": "normal"}
    assert agent_client.post(reverse("agent:ticket-new"), new | {"type": "question"}).status_code == 302
    call = {"email": "b@new.test", "direction": "inbound", "duration": "2", "notes": "n", "priority": "normal"}
    assert agent_client.post(reverse("agent:call-new"), call | {"subject": "Call"}).status_code == 302
    assert (
        token_client(agent)
        .post("/api/v1/tickets/", {"subject": "API", "body": "b", "requester_email": "c@new.test"}, format="json")
        .status_code
        == 201
    )
    email_ingest(raw=make_mail(sender=customer.email, subject="Mail"))
    assert [c["subject"] for c in calls] == ["Page", "Call", "API", "Mail"]


def test_portal_opens_through_ticket_open(monkeypatch, client, customer):
    calls = _spy(monkeypatch, "ticket_open")
    client.force_login(customer)
    response = client.post("/portal/requests/new/", {"subject": "Portal", "description": "d", "impact": "question"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert [c["requester"] for c in calls] == [contact_of(customer)]


def test_a_failure_while_opening_on_the_agent_page_leaves_no_contact_behind(monkeypatch, agent_client):
    _fail_after_the_ticket_row(monkeypatch)
    payload = {"email": "half@new.test", "subject": "S", "body": "b", "channel": "phone"}
    response = agent_client.post(reverse("agent:ticket-new"), payload | {"priority": "normal", "type": "question"})
    assert response.status_code == 400 and "The search index refused this text." in response.content.decode()
    assert not Contact.objects.filter(email="half@new.test").exists() and not Ticket.objects.exists()


def test_a_failure_while_logging_a_call_leaves_no_contact_behind(monkeypatch, agent_client):
    _fail_after_the_ticket_row(monkeypatch)
    payload = {"email": "caller@new.test", "direction": "inbound", "duration": "2", "notes": "n"}
    response = agent_client.post(reverse("agent:call-new"), payload | {"priority": "normal", "subject": "S"})
    assert response.status_code == 400
    assert not Contact.objects.filter(email="caller@new.test").exists() and not Ticket.objects.exists()


def test_a_failure_while_opening_through_the_api_leaves_no_contact_behind(monkeypatch, token_client, agent):
    _fail_after_the_ticket_row(monkeypatch)
    body = {"subject": "S", "body": "b", "requester_email": "api@new.test"}
    response = token_client(agent).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400 and response.json()["code"]
    assert not Contact.objects.filter(email="api@new.test").exists() and not Ticket.objects.exists()


# --- ticket_edit: fields and status together ----------------------------------------------------


def test_api_patch_with_a_refused_status_changes_no_field(token_client, agent, ticket):
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    response = token_client(agent).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"priority": "urgent", "type": "incident", "status": "pending"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.type, ticket.status) == ("normal", "question", Status.SOLVED)
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.FIELD_CHANGED).exists()


def _props(ticket, **changes):
    data = {"status": ticket.status, "priority": ticket.priority, "type": ticket.type}
    return data | {"team": ticket.team_id or "", "assignee": "", "tags": ""} | changes


@pytest.mark.parametrize("where", ["before", "after"])
def test_page_properties_with_a_refused_status_change_no_field(monkeypatch, agent_client, ticket, where):
    """Refused when checked (before any field is written) or by a later step (after them): nothing stays."""

    def refuse(**kwargs):
        raise InvalidTransition("A ticket cannot go from New to Pending.")

    if where == "before":
        monkeypatch.setattr(status_service, "can_transition", lambda *args, **kwargs: False)
    else:
        monkeypatch.setattr(edit_service, "_change_locked", refuse)
    data = _props(ticket, status="pending", priority="urgent", tags="vip")
    response = agent_client.post(reverse("agent:ticket-properties", args=[ticket.pk]), data, **HTMX)
    assert response.status_code == 200 and "cannot go from New to Pending" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.status, list(ticket.tags.all())) == ("normal", Status.NEW, [])
    assert not TicketEvent.objects.filter(ticket=ticket, kind__in=[EventKind.FIELD_CHANGED]).exists()


def test_page_properties_change_fields_and_status_in_one_call(monkeypatch, agent_client, agent, ticket):
    calls = _spy(monkeypatch, "ticket_edit")
    data = _props(ticket, status="pending", priority="high", assignee=agent.pk)
    agent_client.post(reverse("agent:ticket-properties", args=[ticket.pk]), data, **HTMX)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == (Status.PENDING, "high", agent)
    assert len(calls) == 1 and calls[0]["status"] == "pending"


def test_customers_change_only_the_status_through_ticket_edit(customer, ticket):
    with pytest.raises(Exception) as refused:
        services.ticket_edit(ticket=ticket, actor=customer, changes={"priority": "urgent"})
    assert getattr(refused.value, "code", "") == "permission_denied"
    services.ticket_edit(ticket=ticket, actor=customer, status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and ticket.priority == "normal"


def test_bulk_status_goes_through_ticket_edit(monkeypatch, agent_client, make):
    calls = _spy(monkeypatch, "ticket_edit")
    a, b = make(subject="A"), make(subject="B")
    agent_client.post(reverse("agent:ticket-bulk"), {"tickets": [a.pk, b.pk], "action": "status", "status": "solved"})
    assert [c["status"] for c in calls] == ["solved", "solved"]
    assert set(Ticket.objects.values_list("status", flat=True)) == {Status.SOLVED}


# --- ticket_customer_reply: the one place for every channel -------------------------------------


def test_portal_api_and_email_replies_all_go_through_ticket_customer_reply(
    monkeypatch, client, customer, token_client, ticket
):
    calls = _spy(monkeypatch, "ticket_customer_reply")
    client.force_login(customer)
    client.post(f"/portal/requests/{ticket.pk}/reply/", {"body": "portal"})
    token_client(customer).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "api"}, format="json")
    email_ingest(raw=make_mail(sender=customer.email, subject=f"Re: [#{ticket.pk}] {ticket.subject}", body="mail"))
    assert [c["body"] for c in calls] == ["portal", "api", "mail"]


# --- one writer of status: merge through the table ----------------------------------------------


def test_merge_closes_the_duplicate_through_the_system_transition(agent, make):
    source, target = make(subject="Dup"), make(subject="Keep")
    services.ticket_change_status(ticket=source, actor=agent, status=Status.PENDING)
    services.ticket_merge(source=source, target=target, actor=agent)
    source.refresh_from_db()
    assert source.status == Status.CLOSED and source.closed_at is not None and source.merged_into == target
    event = TicketEvent.objects.get(ticket=source, kind=EventKind.STATUS_CHANGED, new_value=Status.CLOSED)
    assert event.old_value == Status.PENDING and event.actor == agent and event.public


def test_the_system_table_closes_any_status_but_closed_and_agents_still_cannot():
    for old in Status.values:
        assert can_transition(old, Status.CLOSED, system=True) == (old != Status.CLOSED)
        assert SYSTEM_ALLOWED[old] >= {s for s in Status.values if can_transition(old, s)}
    assert not can_transition(Status.PENDING, Status.CLOSED)


# --- one event writer: webhooks queued for every event ------------------------------------------


def test_event_record_bulk_saves_the_events_and_queues_their_webhooks(ticket):
    WebhookEndpoint.objects.create(name="CRM", url="https://crm.example.test/hook", events=[])
    saved = events.event_record_bulk(
        events=[
            TicketEvent(ticket=ticket, kind=EventKind.SLA_WARNING),
            TicketEvent(ticket=ticket, kind=EventKind.SLA_BREACHED),
        ]
    )
    assert all(e.pk for e in saved)
    keys = set(NotificationLog.objects.filter(key__startswith="webhook:").values_list("key", flat=True))
    assert {f"webhook:{WebhookEndpoint.objects.get().pk}:{e.pk}" for e in saved} <= keys
    assert events.event_record_bulk(events=[]) == []
