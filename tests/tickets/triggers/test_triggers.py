"""Triggers on events: conditions on the ticket, actions through the services, the system as actor
with the trigger named, ordering and stop, the loop guard, failures."""

import pytest

from helpdesk.models import NotificationLog, Priority
from tests.factories import make_ticket
from tickets import services
from tickets.models import EventKind, Message, Notification, Status, TicketEvent

pytestmark = pytest.mark.django_db


def _open(run_on_commit, requester, **kwargs):
    with run_on_commit():
        ticket = make_ticket(requester=requester, **kwargs)
    ticket.refresh_from_db()
    return ticket


def test_a_trigger_on_created_sets_fields_as_the_system_naming_the_trigger(trigger, run_on_commit, requester, agent):
    vip = trigger(
        name="VIP",
        conditions=[{"field": "subject_keywords", "values": ["فوری"]}],
        set_priority=Priority.URGENT,
        add_tags=["vip"],
    )
    ticket = _open(run_on_commit, requester, subject="مشکل فوری در ورود")
    assert ticket.priority == Priority.URGENT
    assert [t.name for t in ticket.tags.all()] == ["vip"]
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.FIELD_CHANGED, field="priority")
    assert event.actor is None
    assert event.data["trigger"] == vip.pk and event.data["rule_name"] == "VIP"


def test_persian_keywords_match_their_letter_variants(trigger, run_on_commit, requester):
    trigger(conditions=[{"field": "subject_keywords", "values": ["مي‌خواهم"]}], set_priority=Priority.HIGH)
    assert _open(run_on_commit, requester, subject="میخواهم").priority == Priority.HIGH


def test_a_trigger_that_does_not_match_or_listens_elsewhere_does_nothing(trigger, run_on_commit, requester):
    trigger(conditions=[{"field": "priority", "values": ["urgent"]}], set_priority=Priority.LOW)
    trigger(events=["customer_replied"], set_priority=Priority.HIGH)
    assert _open(run_on_commit, requester).priority == Priority.NORMAL


def test_without_a_commit_no_trigger_runs(trigger, requester):
    trigger(set_priority=Priority.HIGH)
    ticket = make_ticket(requester=requester)  # the test's transaction never commits
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL


def test_triggers_run_in_order_and_stop_ends_the_run(trigger, run_on_commit, requester):
    trigger(name="first", position=1, set_priority=Priority.HIGH, stop=True)
    trigger(name="second", position=2, add_tags=["never"])
    ticket = _open(run_on_commit, requester)
    assert ticket.priority == Priority.HIGH and not ticket.tags.exists()


def test_customer_reply_trigger_notes_notifies_and_replies_in_the_customers_language(
    trigger, run_on_commit, requester, agent, customer
):
    requester.language = "fa"
    requester.save()
    trigger(
        events=["customer_replied"],
        conditions=[{"field": "assignee", "values": ["unset"]}],
        note="Customer is waiting",
        notify_user=agent,
        reply_en="Thanks {requester_name}, we got ticket {ticket_number}.",
        reply_fa="{requester_name} عزیز، درخواست {ticket_number} را دریافت کردیم.",
        author=agent,
    )
    ticket = _open(run_on_commit, requester, actor=customer)
    with run_on_commit():
        services.ticket_reply(ticket=ticket, actor=customer, body="any news?")
    note = Message.objects.get(ticket=ticket, internal=True)
    assert note.body_text == "Customer is waiting"
    reply = Message.objects.filter(ticket=ticket, internal=False, author_user=agent).get()
    assert reply.body_text == f"{requester} عزیز، درخواست {ticket.pk} را دریافت کردیم."
    alert = Notification.objects.get(recipient=agent, kind="automation")
    assert alert.ticket_id == ticket.pk
    replied = TicketEvent.objects.get(ticket=ticket, kind=EventKind.REPLIED, data__message=reply.pk)
    assert replied.actor is None and "trigger" in replied.data


def test_status_set_by_a_trigger_goes_through_the_status_service(trigger, run_on_commit, requester, agent):
    trigger(events=["agent_replied"], set_status=Status.PENDING)
    ticket = _open(run_on_commit, requester)
    with run_on_commit():
        services.ticket_reply(ticket=ticket, actor=agent, body="Please send a screenshot.")
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED).last()
    assert (event.old_value, event.new_value, event.actor) == (Status.OPEN, Status.PENDING, None)


def test_two_triggers_that_would_loop_forever_stop_at_the_depth_with_an_event(trigger, run_on_commit, requester, agent):
    up = trigger(
        name="up",
        events=["priority_changed"],
        conditions=[{"field": "priority", "values": ["low"]}],
        set_priority="high",
    )
    down = trigger(
        name="down",
        events=["priority_changed"],
        conditions=[{"field": "priority", "values": ["high"]}],
        set_priority="low",
    )
    ticket = _open(run_on_commit, requester)
    with run_on_commit():
        services.ticket_update(ticket=ticket, actor=agent, changes={"priority": Priority.LOW})
    changes = TicketEvent.objects.filter(ticket=ticket, field="priority").order_by("id")
    # the agent's change, then one per depth 0..3
    assert [e.new_value for e in changes] == ["low", "high", "low", "high", "low"]
    stopped = TicketEvent.objects.get(ticket=ticket, kind=EventKind.TRIGGER_LOOP_STOPPED)
    assert stopped.data["depth"] == 4 and stopped.data["triggers"] == [up.pk]  # the one that would have acted
    assert down.pk not in stopped.data["triggers"]


def test_a_failing_trigger_is_switched_off_reported_and_never_stops_the_others(
    trigger, run_on_commit, requester, agent, team, admin_user
):
    broken = trigger(name="broken", position=1, set_team=team, set_priority="urgent")
    trigger(name="fine", position=2, add_tags=["seen"])
    team.is_active = False
    team.save()
    ticket = _open(run_on_commit, requester)
    assert ticket.priority == Priority.NORMAL  # the broken trigger's changes were rolled back
    assert [t.name for t in ticket.tags.all()] == ["seen"]
    broken.refresh_from_db()
    assert not broken.is_active and "team" in broken.disabled_reason
    failed = TicketEvent.objects.get(ticket=ticket, kind=EventKind.TRIGGER_FAILED)
    assert failed.data["rule"] == broken.pk
    assert NotificationLog.objects.filter(template="automation_failed", recipient=admin_user.email).count() == 1


def test_a_webhook_action_queues_a_delivery_through_the_outbox(trigger, run_on_commit, requester, admin_user):
    from helpdesk.outbox.webhooks import webhook_create

    endpoint, _secret = webhook_create(actor=admin_user, name="CRM", url="https://hooks.example.com/in")
    trigger(webhook=endpoint)
    ticket = _open(run_on_commit, requester)
    rows = NotificationLog.objects.filter(webhook=endpoint, template="ticket.trigger")
    assert rows.count() == 1 and rows.get().ticket_id == ticket.pk


def test_the_timeline_says_which_trigger_changed_what_in_both_languages(trigger, run_on_commit, requester):
    from django.utils import translation

    from tickets.workspace.event_sentences import event_view

    trigger(name="VIP", set_priority=Priority.HIGH)
    ticket = _open(run_on_commit, requester)
    event = TicketEvent.objects.get(ticket=ticket, field="priority")
    with translation.override("en"):
        assert "The trigger" in str(event_view(event).sentence) and "VIP" in str(event_view(event).sentence)
    with translation.override("fa"):
        assert "تریگر" in str(event_view(event).sentence)


def test_a_priority_a_trigger_sets_moves_the_sla_due_times(trigger, run_on_commit, requester):
    from datetime import timedelta

    from customers import services as customer_services

    calendar = customer_services.calendar_create(name="24/7", time_zone="UTC", always_open=True)
    customer_services.sla_policy_create(
        name="Standard",
        calendar=calendar,
        is_default=True,
        targets=[
            {"priority": "urgent", "first_response_minutes": 15, "resolution_minutes": 60},
            {"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 1440},
        ],
    )
    trigger(conditions=[{"field": "subject_keywords", "values": ["down"]}], set_priority=Priority.URGENT)
    ticket = _open(run_on_commit, requester, subject="Site is down")
    assert ticket.priority == Priority.URGENT
    assert ticket.first_response_due_at == ticket.created_at + timedelta(minutes=15)
