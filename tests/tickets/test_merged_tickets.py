"""A merged ticket is closed and read-only on every channel; a customer's reply to it goes on to the
ticket it was merged into; its SLA clocks stop for good (tickets.transitions.merged_check)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import BusinessCalendar, EscalationStep, SlaPolicy, SlaTarget
from tests.factories import make_ticket
from tests.tickets.conftest import contact_of, make_mail
from tickets import services
from tickets.email.ingest import email_ingest
from tickets.feedback import services as feedback_services
from tickets.models import EventKind, InboundEmail, Message, Referral, SlaState, Status, Ticket, TicketEvent
from tickets.opportunities import services as opportunity_services
from tickets.sla.escalation import sla_check_ticket, sla_sweep
from tickets.timetrack import services as time_services
from tickets.transitions import TicketMerged

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _refused(exc_info, source, target) -> None:
    assert exc_info.value.code == "ticket_merged"
    assert f"Ticket #{source.pk} was merged into #{target.pk}" in exc_info.value.messages[0]


def _events_of(ticket) -> list[int]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("pk", flat=True))


# --- the service rule: every write refused -----------------------------------------------------


WRITES = {
    "reply": lambda t, agent, other: services.ticket_reply(ticket=t, actor=agent, body="Hello"),
    "note": lambda t, agent, other: services.ticket_reply(ticket=t, actor=agent, body="Psst", internal=True),
    "reopen": lambda t, agent, other: services.ticket_change_status(ticket=t, actor=agent, status=Status.OPEN),
    "fields": lambda t, agent, other: services.ticket_edit(ticket=t, actor=agent, changes={"priority": "high"}),
    "tags": lambda t, agent, other: services.ticket_update(ticket=t, actor=agent, changes={}, tags=["vip"]),
    "refer": lambda t, agent, other: services.ticket_refer(ticket=t, actor=agent, to_team=other, note="?"),
    "link from": lambda t, agent, other: services.ticket_link(
        ticket=t, other=t.merged_into, kind="related", actor=agent
    ),
    "link to": lambda t, agent, other: services.ticket_link(ticket=t.merged_into, other=t, kind="related", actor=agent),
    "time": lambda t, agent, other: time_services.time_entry_log(
        ticket=t, actor=agent, time=time_services.TimeSpent(minutes=5)
    ),
    "opportunity": lambda t, agent, other: opportunity_services.opportunity_create(ticket=t, actor=agent),
    "feedback": lambda t, agent, other: feedback_services.feedback_item_create(actor=agent, title="Dark", tickets=[t]),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_to_a_merged_ticket_is_refused_with_a_clear_message(merged, agent, other_team, write):
    source, target = merged
    before = _events_of(source)
    with pytest.raises(TicketMerged) as exc_info:
        WRITES[write](source, agent, other_team)
    _refused(exc_info, source, target)
    source.refresh_from_db()
    assert (source.status, source.priority, _events_of(source)) == (Status.CLOSED, "normal", before)
    assert not source.tags.exists() and not source.messages.exists()


def test_a_referral_left_on_a_merged_ticket_cannot_be_answered_there(merged, agent, other_team):
    source, target = merged
    referral = Referral.objects.create(ticket=source, to_team=other_team, requested_by=agent, note="?")
    with pytest.raises(TicketMerged):
        services.referral_answer(referral=referral, actor=agent, answer="42")
    with pytest.raises(TicketMerged):
        services.referral_cancel(referral=referral, actor=agent)
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.OPEN


def test_merging_moves_referrals_and_makes_the_sources_people_participants_of_the_target(
    make, agent, other_team, colleague
):
    source = make(subject="Duplicate", cc_emails=["boss@acme.test"], reply_to_email="desk@acme.test")
    target = make(subject="Keeper", requester=contact_of(colleague))
    referral = services.ticket_refer(ticket=source, actor=agent, to_team=other_team, note="Billing?")
    services.ticket_merge(source=source, target=target, actor=agent)
    referral.refresh_from_db()
    assert referral.ticket_id == target.pk  # answered, and reminded, where the conversation lives on
    services.referral_answer(referral=referral, actor=agent, answer="Paid")
    target.refresh_from_db()
    assert target.cc_emails == sorted(["boss@acme.test", "desk@acme.test", source.requester.email])


# --- customers' replies go on to the ticket that lives on ------------------------------------------


def test_a_customer_reply_to_a_merged_ticket_goes_to_the_end_of_the_merge_chain(make, agent, requester):
    first, second, third = make(subject="One"), make(subject="Two"), make(subject="Three")
    services.ticket_merge(source=first, target=second, actor=agent)
    services.ticket_merge(source=second, target=third, actor=agent)
    outcome = services.ticket_customer_reply(ticket=first, actor=None, contact=requester, body="Still broken")
    assert outcome.ticket.pk == third.pk and not outcome.follow_up
    assert outcome.message.ticket_id == third.pk and outcome.message.author_contact == requester


def test_portal_reply_from_a_page_shown_before_the_merge_goes_to_the_surviving_ticket(client, customer, merged):
    source, target = merged
    client.force_login(customer)
    response = client.post(reverse("portal:reply", args=[source.pk]), {"body": "Any news?"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:ticket", args=[target.pk])
    assert f"Request #{source.pk} was merged into request #{target.pk}" in response.content.decode()
    assert Message.objects.get(body_text="Any news?").ticket_id == target.pk
    assert not Message.objects.filter(ticket=source).exists()


def test_portal_reply_to_a_ticket_merged_into_someone_elses_lands_there_and_goes_home(
    client, customer, make, agent, private_customer
):
    source = make(subject="Duplicate")
    target = make_ticket(requester=contact_of(private_customer), subject="Theirs")
    services.ticket_merge(source=source, target=target, actor=agent)
    client.force_login(customer)
    response = client.post(reverse("portal:reply", args=[source.pk]), {"body": "Hello?"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert Message.objects.get(body_text="Hello?").ticket_id == target.pk


def test_another_customer_cannot_reply_to_a_merged_ticket_through_the_portal(client, other_customer, merged):
    source, target = merged
    client.force_login(other_customer)
    response = client.post(reverse("portal:reply", args=[source.pk]), {"body": "Sneaky"})
    assert response.status_code == 404
    assert not Message.objects.filter(body_text="Sneaky").exists()


def test_customers_still_never_see_a_merged_ticket_page(client, customer, merged):
    # The link goes on to the surviving request (tests/tickets/test_merged_links.py), never to the source.
    client.force_login(customer)
    response = client.get(reverse("portal:ticket", args=[merged[0].pk]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:ticket", args=[merged[1].pk])


def test_an_email_reply_to_a_merged_ticket_goes_to_the_surviving_ticket(mailbox, merged, requester):
    source, target = merged
    raw = make_mail(sender=requester.email, subject=f"Re: [#{source.pk}] Duplicate", body="Still broken")
    inbound = email_ingest(raw=raw, mailbox=mailbox)
    assert (inbound.status, inbound.ticket_id) == (InboundEmail.Status.PROCESSED, target.pk)
    message = inbound.ticket_message
    assert (message.ticket_id, message.internal, message.author_contact) == (target.pk, False, requester)


def test_an_email_reply_from_someone_on_the_sources_cc_list_is_a_reply_on_the_target(mailbox, make, agent):
    source, target = make(subject="Duplicate", cc_emails=["boss@acme.test"]), make(subject="Keeper")
    services.ticket_merge(source=source, target=target, actor=agent)
    raw = make_mail(sender="boss@acme.test", subject=f"Re: [#{source.pk}] Duplicate", body="Me too")
    message = email_ingest(raw=raw, mailbox=mailbox).ticket_message
    assert (message.ticket_id, message.internal, message.needs_review) == (target.pk, False, False)


# --- the agent's pages and bulk actions, the API -------------------------------------------------


def test_the_agent_page_of_a_merged_ticket_says_where_it_went_and_offers_no_forms(agent_client, merged):
    source, target = merged
    page = agent_client.get(reverse("agent:ticket", args=[source.pk])).content.decode()
    assert f"This ticket was merged into #{target.pk}." in page
    assert reverse("agent:ticket", args=[target.pk]) in page
    assert reverse("agent:ticket-reply", args=[source.pk]) not in page  # no composer
    side = agent_client.get(reverse("agent:ticket-side", args=[source.pk])).content.decode()
    assert "<fieldset disabled>" in side and "Save changes" not in side
    assert reverse("agent:ticket-refer", args=[source.pk]) not in side
    assert reverse("agent:ticket-link", args=[source.pk]) not in side


def test_an_agent_reply_posted_to_a_merged_ticket_is_a_form_error_not_a_500(agent_client, merged):
    source, target = merged
    response = agent_client.post(reverse("agent:ticket-reply", args=[source.pk]), {"kind": "reply", "body": "Hi"})
    assert response.status_code == 400
    assert f"was merged into #{target.pk}" in response.content.decode()
    assert not Message.objects.filter(body_text="Hi").exists()


def test_agent_properties_posted_to_a_merged_ticket_are_refused_with_the_message(agent_client, merged):
    source, target = merged
    data = {"status": "closed", "priority": "urgent", "type": source.type, "team": source.team_id, "tags": "vip"}
    response = agent_client.post(reverse("agent:ticket-properties", args=[source.pk]), data, **HTMX)
    assert response.status_code == 200 and f"was merged into #{target.pk}" in response.content.decode()
    response = agent_client.post(reverse("agent:ticket-properties", args=[source.pk]), data, follow=True)
    assert f"was merged into #{target.pk}" in response.content.decode()
    source.refresh_from_db()
    assert source.priority == "normal" and not source.tags.exists()


def test_a_bulk_change_skips_a_merged_ticket(agent_client, merged, make):
    source, _target = merged
    other = make(subject="Other")
    response = agent_client.post(
        reverse("agent:ticket-bulk"), {"tickets": [source.pk, other.pk], "action": "priority", "priority": "high"}
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=source.pk).priority == "normal"
    assert Ticket.objects.get(pk=other.pk).priority == "high"


def test_api_changes_and_replies_to_a_merged_ticket_are_400s_with_the_message(as_user, agent, merged):
    source, target = merged
    api = as_user(agent)
    for response in (
        api.patch(f"/api/v1/tickets/{source.pk}/", {"priority": "high"}, format="json"),
        api.patch(f"/api/v1/tickets/{source.pk}/", {"status": "open"}, format="json"),
        api.post(f"/api/v1/tickets/{source.pk}/messages/", {"body": "Hi"}, format="json"),
        api.post(f"/api/v1/tickets/{source.pk}/messages/", {"body": "Psst", "internal": True}, format="json"),
    ):
        assert response.status_code == 400, response.content
        assert f"was merged into #{target.pk}" in response.json()["detail"]
    source.refresh_from_db()
    assert (source.status, source.priority) == (Status.CLOSED, "normal")


def test_a_trigger_that_would_change_a_merged_ticket_is_skipped_not_switched_off(
    make, agent, admin_user, django_capture_on_commit_callbacks
):
    from tickets.models import Trigger
    from tickets.triggers import rules

    rule = rules.automation_create(
        actor=admin_user, model=Trigger, name="Raise", events=["status_changed"], set_priority="high"
    )
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_merge(source=source, target=target, actor=agent)
    assert Ticket.objects.get(pk=source.pk).priority == "normal"
    assert Trigger.objects.get(pk=rule.pk).is_active


# --- SLA clocks stop -----------------------------------------------------------------------------


@pytest.fixture
def policy(db):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    EscalationStep.objects.create(policy=policy, minutes_after_breach=30, action=EscalationStep.Action.RAISE_PRIORITY)
    return policy


def test_merging_a_breached_ticket_stops_its_clocks_and_takes_it_out_of_every_sla_list(
    policy, make, agent, agent_client
):
    start = timezone.now() - timedelta(hours=2)
    source, target = make(subject="Duplicate", now=start), make(subject="Keeper", now=start)
    sla_sweep(now=start + timedelta(minutes=61))
    source.refresh_from_db()
    assert source.sla_state == SlaState.BREACHED and source.next_escalation_at is not None

    services.ticket_merge(source=source, target=target, actor=agent, now=start + timedelta(minutes=62))
    source.refresh_from_db()
    assert (source.sla_state, source.sla_next_check_at, source.next_escalation_at) == (SlaState.NONE, None, None)
    assert (source.first_response_due_at, source.next_response_due_at, source.resolution_due_at) == (None,) * 3
    # the merge is no answer: it records no met (or met late) target on the duplicate
    assert not TicketEvent.objects.filter(ticket=source, kind=EventKind.SLA_MET).exists()
    listed = agent_client.get(reverse("agent:tickets"), {"view": "all", "sla_state": "breached"}).content.decode()
    assert reverse("agent:ticket", args=[target.pk]) in listed
    assert reverse("agent:ticket", args=[source.pk]) not in listed

    later = start + timedelta(hours=6)
    before = _events_of(source)
    sla_sweep(now=later)
    assert _events_of(source) == before  # no warning, breach or escalation on the duplicate
    assert Ticket.objects.get(pk=source.pk).priority == "normal"


def test_a_stale_check_left_on_a_merged_ticket_stops_its_clocks_without_news(policy, make, agent):
    start = timezone.now() - timedelta(hours=2)
    source, target = make(subject="Duplicate", now=start), make(subject="Keeper", now=start)
    services.ticket_merge(source=source, target=target, actor=agent, now=start + timedelta(minutes=1))
    due = start + timedelta(minutes=45)
    Ticket.objects.filter(pk=source.pk).update(sla_next_check_at=due, sla_state=SlaState.OK)  # as before the fix
    assert sla_check_ticket(ticket_id=source.pk, expected=due, now=start + timedelta(minutes=90)) is True
    source.refresh_from_db()
    assert (source.sla_state, source.sla_next_check_at) == (SlaState.NONE, None)
    assert not TicketEvent.objects.filter(ticket=source, kind__in=[EventKind.SLA_WARNING, EventKind.SLA_BREACHED])


def test_the_migration_stops_the_clocks_of_tickets_merged_before(policy, make, agent):
    from importlib import import_module

    from django.apps import apps

    source, target = make(subject="Duplicate"), make(subject="Keeper")
    services.ticket_merge(source=source, target=target, actor=agent)
    moment = timezone.now() + timedelta(hours=1)
    Ticket.objects.filter(pk=source.pk).update(
        sla_state=SlaState.BREACHED, resolution_due_at=moment, sla_next_check_at=moment, next_escalation_at=moment
    )
    import_module("tickets.migrations.0045_merged_tickets_stop_sla").stop_merged_clocks(apps, None)
    source.refresh_from_db()
    assert (source.sla_state, source.resolution_due_at, source.sla_next_check_at) == (SlaState.NONE, None, None)
    assert source.next_escalation_at is None
    assert Ticket.objects.get(pk=target.pk).sla_state == SlaState.OK  # only merged tickets are touched
