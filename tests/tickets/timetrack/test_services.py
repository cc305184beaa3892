"""The time services: logged with a reply or note in the same transaction, on its own, changed and
deleted by its author or an admin only; HELPDESK_REQUIRE_TIME; durations as agents type them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from helpdesk.exceptions import NotAllowed
from tickets import services as ticket_services
from tickets.models import EventKind, TicketEvent, TimeEntry
from tickets.timetrack import services
from tickets.timetrack.durations import format_minutes, parse_minutes
from tickets.timetrack.services import TimeSpent


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("90", 90), ("1:30", 90), ("۱:۳۰", 90), ("۹۰", 90), (" 0:05 ", 5), ("24:00", 1440), (45, 45), ("", None)],
)
def test_durations_are_read_as_agents_type_them(typed, minutes):
    assert parse_minutes(typed) == minutes


@pytest.mark.parametrize("typed", ["0", "abc", "1:75", "24:01", "1441", "-5", "1.5h", "1:3"])
def test_bad_durations_are_refused_with_a_message(typed):
    with pytest.raises(ValidationError):
        parse_minutes(typed)


def test_minutes_print_as_hours_and_minutes():
    assert [format_minutes(m) for m in (0, 5, 90, 1440, -30)] == ["0:00", "0:05", "1:30", "24:00", "-0:30"]


def test_a_reply_logs_its_time_with_the_message_and_an_internal_event(acme_ticket, agent, activities):
    message = ticket_services.ticket_reply(
        ticket=acme_ticket,
        actor=agent,
        body="Restarted the spooler.",
        time=TimeSpent(minutes=25, activity=activities["Remote session"]),
    )
    entry = TimeEntry.objects.get()
    assert (entry.message, entry.agent, entry.minutes, entry.activity.name) == (message, agent, 25, "Remote session")
    assert entry.performed_on == timezone.localdate()
    event = TicketEvent.objects.get(ticket=acme_ticket, kind=EventKind.TIME_LOGGED)
    assert event.public is False
    assert event.data["minutes"] == 25 and event.data["message"] == message.pk


def test_a_note_logs_time_and_the_first_active_activity_is_the_default(acme_ticket, agent, activities):
    activities["Investigation"].is_active = False
    activities["Investigation"].save()
    ticket_services.ticket_reply(
        ticket=acme_ticket, actor=agent, body="Looked at logs", internal=True, time=TimeSpent(minutes=10)
    )
    assert TimeEntry.objects.get().activity.name != "Investigation"


def test_a_refused_reply_logs_no_time(acme_ticket, agent, activities):
    with pytest.raises(ValidationError):
        ticket_services.ticket_reply(ticket=acme_ticket, actor=agent, body="", time=TimeSpent(minutes=10))
    assert not TimeEntry.objects.exists()


def test_bad_time_with_a_reply_refuses_the_whole_reply(acme_ticket, agent, activities):
    with pytest.raises(ValidationError) as caught:
        ticket_services.ticket_reply(ticket=acme_ticket, actor=agent, body="Hi", time=TimeSpent(minutes=5000))
    assert "minutes" in caught.value.message_dict
    assert acme_ticket.messages.count() == 1  # only the opening message


def test_customers_cannot_log_time(acme_ticket, customer, activities):
    with pytest.raises(NotAllowed):
        ticket_services.ticket_reply(
            ticket=acme_ticket, actor=customer, contact=customer.contact, body="Thanks", time=TimeSpent(minutes=5)
        )
    with pytest.raises(NotAllowed):
        services.time_entry_log(ticket=acme_ticket, actor=customer, time=TimeSpent(minutes=5))


def test_required_time_refuses_an_agent_reply_without_it_where_the_channel_asks(settings, acme_ticket, agent):
    settings.HELPDESK_REQUIRE_TIME = True
    with pytest.raises(ValidationError) as caught:
        ticket_services.ticket_reply(ticket=acme_ticket, actor=agent, body="Hi", time_asked=True)
    assert "minutes" in caught.value.message_dict
    with pytest.raises(ValidationError):
        ticket_services.ticket_reply(ticket=acme_ticket, actor=agent, body="Note", internal=True, time_asked=True)
    # channels that cannot ask (macros, email, bulk notices) are not held to it
    ticket_services.ticket_reply(ticket=acme_ticket, actor=agent, body="From a macro")
    # nor are customers
    ticket_services.ticket_reply(
        ticket=acme_ticket, actor=None, contact=acme_ticket.requester, body="Thanks", time_asked=True
    )


def test_an_entry_is_changed_by_its_author_or_an_admin_only(
    acme_ticket, agent, second_agent, admin_user, log, activities
):
    entry = log(acme_ticket, agent, 30)
    with pytest.raises(NotAllowed):
        services.time_entry_update(entry=entry, actor=second_agent, data={"minutes": 5})
    with pytest.raises(NotAllowed):
        services.time_entry_delete(entry=entry, actor=second_agent)
    services.time_entry_update(entry=entry, actor=agent, data={"minutes": 45, "note": " more "})
    services.time_entry_update(entry=entry, actor=admin_user, data={"activity": activities["Phone call"]})
    entry.refresh_from_db()
    assert (entry.minutes, entry.note, entry.activity.name) == (45, "more", "Phone call")
    changes = TicketEvent.objects.filter(kind=EventKind.TIME_CHANGED).order_by("pk")
    assert [e.data["action"] for e in changes] == ["changed", "changed"]
    services.time_entry_delete(entry=entry, actor=agent)
    assert not TimeEntry.objects.exists()
    assert TicketEvent.objects.filter(kind=EventKind.TIME_CHANGED).last().data["action"] == "deleted"


def test_an_entry_cannot_be_in_the_future_nor_use_a_switched_off_activity(acme_ticket, agent, activities):
    later = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationError) as caught:
        services.time_entry_log(ticket=acme_ticket, actor=agent, time=TimeSpent(minutes=5, performed_on=later))
    assert "performed_on" in caught.value.message_dict
    off = activities["Phone call"]
    off.is_active = False
    off.save()
    with pytest.raises(ValidationError) as caught:
        services.time_entry_log(ticket=acme_ticket, actor=agent, time=TimeSpent(minutes=5, activity=off))
    assert "activity" in caught.value.message_dict


def test_the_timeline_says_what_was_logged_changed_and_deleted(acme_ticket, agent, log):
    from django.utils import translation

    from tickets.workspace.event_sentences import event_view

    entry = log(acme_ticket, agent, 90)
    services.time_entry_update(entry=entry, actor=agent, data={"minutes": 45})
    services.time_entry_delete(entry=entry, actor=agent)
    events = TicketEvent.objects.filter(kind__in=[EventKind.TIME_LOGGED, EventKind.TIME_CHANGED]).order_by("pk")
    texts = [str(event_view(e).sentence) for e in events]
    assert "logged" in texts[0] and "1:30" in texts[0]
    assert "changed a time entry to" in texts[1] and "0:45" in texts[1]
    assert "deleted a time entry of" in texts[2]
    with translation.override("fa"):
        assert "۱:۳۰" in str(event_view(events[0]).sentence)


@pytest.mark.parametrize("typed", ["999999", "۹۹۹۹۹۹", "1441"])
def test_too_many_minutes_are_refused_for_their_size_not_their_form(typed):
    with pytest.raises(ValidationError) as refused:
        parse_minutes(typed)
    assert refused.value.messages == ["One entry is at most 24 hours; log longer work as several entries."]
