"""Events on the ticket page are whole sentences in the reader's language, with names isolated."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from customers.models import BusinessCalendar, Contact, SlaPolicy, SlaTarget
from helpdesk import dates
from tests.factories import make_ticket
from tickets import services
from tickets.models import EventKind, Status, TicketEvent
from tickets.sla.escalation import sla_sweep
from tickets.workspace.event_sentences import event_view
from tickets.workspace.timeline_html import event_html


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture
def ticket(db, customer, team, agent):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    agent.full_name = "Reza Ahmadi"
    agent.save()
    contact = Contact.objects.get(user=customer)
    return make_ticket(requester=contact, actor=customer, team=team, now=timezone.now() - timedelta(minutes=5))


def test_a_status_change_is_one_sentence_in_each_language(ticket, agent):
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.PENDING)
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.STATUS_CHANGED)

    with translation.override("en"):
        english = event_view(event).sentence
    with translation.override("fa"):
        persian = event_view(event).sentence

    assert text(english) == f"Reza Ahmadi changed Status from {Status.NEW.label} to {Status.PENDING.label}"
    # Persian word order: the verb at the end, never "تغییر داد وضعیت :" glued in English order.
    assert text(persian).startswith("Reza Ahmadi وضعیت را از ") and text(persian).endswith(" تغییر داد")
    assert '<bdi class="ev-actor">Reza Ahmadi</bdi>' in persian  # the English name keeps its direction
    assert '<bdi class="ev-new">' in persian


def test_a_name_with_markup_is_escaped(ticket, agent):
    agent.full_name = "<script>x</script>"
    agent.save()
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.PENDING)
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.STATUS_CHANGED)
    assert "<script>" not in event_view(event).sentence and "&lt;script&gt;" in event_view(event).sentence


def test_sla_events_say_which_target_when_and_who_was_told(ticket, agent):
    start = ticket.created_at
    sla_sweep(now=start + timedelta(minutes=46))
    sla_sweep(now=start + timedelta(minutes=61))
    warning = TicketEvent.objects.get(ticket=ticket, kind=EventKind.SLA_WARNING)
    breach = TicketEvent.objects.get(ticket=ticket, kind=EventKind.SLA_BREACHED)
    assert warning.data["notified"] and breach.data["notified"] == warning.data["notified"]

    with translation.override("en"):
        said = text(event_view(warning).sentence)
        assert said.startswith("SLA warning: First response is due in 14 min, at ")
        assert "Told: " in said and warning.data["notified"][0] in said
        assert text(event_view(breach).sentence).startswith("SLA breached: First response was due at ")
    with translation.override("fa"):
        said = text(event_view(warning).sentence)
        assert "اولین پاسخ" in said and "۱۴" in said and "خبر داده شد به" in said
        assert not re.search(r"[0-9]", said.replace(warning.data["notified"][0], ""))


def test_the_ticket_page_shows_the_sentences(agent_client, ticket, agent):
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.PENDING)
    page = agent_client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
    assert '<bdi class="ev-actor">Reza Ahmadi</bdi> changed <bdi class="ev-field">Status</bdi> from' in page


def test_a_name_kept_in_both_languages_reads_in_the_readers_language(ticket, agent):
    """A category (or team) changed by an agent working in English reads in Persian for a Persian
    reader: the event keeps both names, not the one of the language the change was made in."""
    from tickets.models import Category

    parent = Category.objects.create(name="Infrastructure", name_fa="زیرساخت")
    child = Category.objects.create(name="Performance", name_fa="کارایی", parent=parent)
    with translation.override("en"):
        services.ticket_update(ticket=ticket, actor=agent, changes={"category": child})
    event = TicketEvent.objects.get(ticket=ticket, field="category")
    assert event.new_value == "Infrastructure › Performance"  # what the API shows, as recorded

    with translation.override("en"):
        english = text(event_view(event).sentence)
    with translation.override("fa"):
        persian = text(event_view(event).sentence)

    assert "Infrastructure › Performance" in english
    assert "زیرساخت › کارایی" in persian and "Infrastructure" not in persian


def test_a_moment_in_an_sla_sentence_is_written_as_the_timestamp_beside_it(ticket, agent):
    """One function writes both (dates.moment_html): a <time> in its language's direction, so a Persian
    moment reads date first inside the sentence's isolated part as it does beside it."""
    sla_sweep(now=ticket.created_at + timedelta(minutes=61))
    breach = TicketEvent.objects.get(ticket=ticket, kind=EventKind.SLA_BREACHED)
    due = datetime.fromisoformat(breach.data["due"])
    for language, direction in (("en", "ltr"), ("fa", "rtl")):
        with translation.override(language):
            view = event_view(breach)
            assert f'<bdi class="ev-due">{dates.moment_html(due, language)}</bdi>' in view.sentence
            assert f'dir="{direction}">' in dates.moment_html(due, language)
            column = dates.moment_html(breach.created_at, language, css="muted")
            assert column in event_html(view, language)
