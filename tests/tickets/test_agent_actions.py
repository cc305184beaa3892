"""Agent workspace actions: each goes through the services and never answers a 500."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from customers.models import Contact
from customers.services import contact_create
from tickets import services
from tickets.content import MAX_BODY_CHARS
from tickets.models import Channel, EventKind, Message, Referral, Status, Ticket, TicketLink

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name, *args):
    return reverse(f"agent:{name}", args=args)


@pytest.mark.parametrize(
    "name",
    ["ticket-reply", "ticket-properties", "ticket-refer", "ticket-link", "ticket-presence"],
)
def test_ticket_actions_404_for_customers_and_redirect_anonymous(client, customer, ticket, name):
    url = _url(name, ticket.pk)
    assert client.post(url, {})["Location"].startswith("/login/")
    client.force_login(customer)
    assert client.post(url, {}).status_code == 404


def test_bulk_and_calls_404_for_customers(client, customer, ticket):
    client.force_login(customer)
    assert client.post(_url("ticket-bulk"), {"tickets": [ticket.pk], "action": "status"}).status_code == 404
    assert client.post(_url("call-new"), {}).status_code == 404
    assert client.post(_url("ticket-new"), {}).status_code == 404


# --- bulk -------------------------------------------------------------------------------------


def test_bulk_assign_sets_the_assignee_on_every_selected_ticket(agent_client, agent, make):
    a, b, c = make(subject="A"), make(subject="B"), make(subject="C")
    response = agent_client.post(
        _url("ticket-bulk"), {"tickets": [a.pk, b.pk], "action": "assign", "assignee": str(agent.pk)}
    )
    assert response.status_code == 302
    assert set(Ticket.objects.filter(assignee=agent).values_list("pk", flat=True)) == {a.pk, b.pk}
    assert Ticket.objects.get(pk=c.pk).assignee is None
    assert Ticket.objects.get(pk=a.pk).events.filter(field="assignee").exists()  # through the service


def test_bulk_status_skips_refused_rows_and_says_how_many(agent_client, agent, make):
    fine = make(subject="Fine")
    closed = make(subject="Closed")
    services.ticket_change_status(ticket=closed, actor=agent, status=Status.SOLVED)
    services.ticket_change_status(ticket=closed, actor=agent, status=Status.CLOSED)
    response = agent_client.post(
        _url("ticket-bulk"), {"tickets": [fine.pk, closed.pk], "action": "status", "status": "pending"}, follow=True
    )
    body = response.content.decode()
    # One of each: the singular (ngettext), never "1 tickets".
    assert "1 ticket updated." in body and "1 ticket was skipped: the change is not allowed for it." in body
    assert Ticket.objects.get(pk=fine.pk).status == Status.PENDING
    assert Ticket.objects.get(pk=closed.pk).status == Status.CLOSED


def test_bulk_merge_moves_the_others_into_the_oldest_selected(agent_client, make):
    oldest, second, third = make(subject="First"), make(subject="Second"), make(subject="Third")
    response = agent_client.post(
        _url("ticket-bulk"), {"tickets": [third.pk, oldest.pk, second.pk], "action": "merge"}, follow=True
    )
    assert "2 tickets updated." in response.content.decode()
    for duplicate in (second, third):
        duplicate.refresh_from_db()
        assert (duplicate.status, duplicate.merged_into_id) == (Status.CLOSED, oldest.pk)
    assert oldest.messages.count() >= 3


def test_bulk_merge_needs_two_tickets(agent_client, make):
    only = make(subject="Alone")
    response = agent_client.post(_url("ticket-bulk"), {"tickets": [only.pk], "action": "merge"}, follow=True)
    assert "Select at least two tickets to merge." in response.content.decode()
    only.refresh_from_db()
    assert only.merged_into_id is None


@pytest.mark.parametrize(
    ("action", "says"),
    [
        ("team", "Choose a team, or No team."),
        ("category", "Choose a category, or No category."),
        ("custom_status", "Choose a custom status, or None."),
    ],
)
def test_a_bulk_change_left_on_choose_clears_nothing(agent_client, team, make, action, says):
    ticket = make(subject="Keep my team")
    response = agent_client.post(_url("ticket-bulk"), {"tickets": [ticket.pk], "action": action}, follow=True)
    assert says in response.content.decode()
    response = agent_client.post(_url("ticket-bulk"), {"tickets": [ticket.pk], "action": action, action: ""})
    ticket.refresh_from_db()
    assert ticket.team == team and ticket.category_id is None and ticket.custom_status_id is None


def test_bulk_no_team_is_a_choice_of_its_own(agent_client, team, make):
    ticket = make(subject="Leaves its team")
    fields = agent_client.get(_url("ticket-bulk-fields")).content.decode()
    team_select = fields.split('name="team"', 1)[1].split("</select>", 1)[0]
    assert team_select.index('<option value="" selected>Choose…</option>') < team_select.index(
        '<option value="none">No team</option>'
    )
    agent_client.post(_url("ticket-bulk"), {"tickets": [ticket.pk], "action": "team", "team": "none"})
    ticket.refresh_from_db()
    assert ticket.team is None


def test_bulk_team_priority_and_tag(agent_client, other_team, make):
    a, b = make(subject="A", tags=["vip"]), make(subject="B")
    ids = [a.pk, b.pk]
    agent_client.post(_url("ticket-bulk"), {"tickets": ids, "action": "team", "team": other_team.pk})
    agent_client.post(_url("ticket-bulk"), {"tickets": ids, "action": "priority", "priority": "high"})
    agent_client.post(_url("ticket-bulk"), {"tickets": ids, "action": "tag", "tag": "Outage"})
    for t in Ticket.objects.filter(pk__in=ids):
        assert t.team == other_team and t.priority == "high"
    assert sorted(a.tags.values_list("name", flat=True)) == ["outage", "vip"]
    assert list(b.tags.values_list("name", flat=True)) == ["outage"]


def test_bulk_without_selection_shows_an_error(agent_client):
    response = agent_client.post(_url("ticket-bulk"), {"action": "status", "status": "open"}, follow=True)
    assert response.status_code == 200 and "Select tickets first." in response.content.decode()


# --- reply, note, collision -------------------------------------------------------------------


def test_reply_with_attachment_sets_pending_by_default(agent_client, ticket):
    form = agent_client.get(_url("ticket", ticket.pk)).context["reply_form"]
    assert form["status"].value() == Status.PENDING
    upload = SimpleUploadedFile("log.txt", b"stack trace", content_type="text/plain")
    response = agent_client.post(
        _url("ticket-reply", ticket.pk),
        {"kind": "reply", "body": "Here is what we found.", "status": "pending", "attachments": [upload]},
    )
    assert response.status_code == 302
    message = Message.objects.filter(ticket=ticket, internal=False).latest("id")
    assert message.body_text.startswith("Here is what we found.")
    assert [a.original_name for a in message.attachments.all()] == ["log.txt"]
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


def test_internal_note_keeps_the_status_and_is_internal(agent_client, ticket):
    response = agent_client.post(_url("ticket-reply", ticket.pk), {"kind": "note", "body": "Call them tomorrow"})
    assert response.status_code == 302
    note = Message.objects.get(ticket=ticket, internal=True)
    assert "Call them tomorrow" in note.body_text
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_empty_reply_shows_the_form_again(agent_client, ticket):
    response = agent_client.post(_url("ticket-reply", ticket.pk), {"kind": "reply", "body": "  "})
    assert response.status_code == 400 and "Write a message or attach a file." in response.content.decode()


def test_a_reply_longer_than_a_message_may_be_is_a_form_error_and_saves_nothing(agent_client, ticket):
    before = Message.objects.filter(ticket=ticket).count()
    response = agent_client.post(_url("ticket-reply", ticket.pk), {"kind": "reply", "body": "y" * (MAX_BODY_CHARS + 1)})
    assert response.status_code == 400 and Message.objects.filter(ticket=ticket).count() == before
    assert f"Ensure this value has at most {MAX_BODY_CHARS} characters" in response.content.decode()


def test_reply_on_a_closed_ticket_shows_an_error_not_a_500(agent_client, agent, ticket):
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    response = agent_client.post(_url("ticket-reply", ticket.pk), {"kind": "reply", "body": "Hello again"})
    assert response.status_code == 400
    assert "follow-up" in response.content.decode()


def test_a_link_made_before_the_page_was_opened_does_not_stop_the_reply(agent_client, other_agent, ticket):
    """A link writes an event without changing the ticket (a customer's follow-up request links itself
    to the old one): the page shows it, so the reply from that page goes out at the first press."""
    from tests.factories import make_ticket

    old = make_ticket(requester=ticket.requester, subject="Old one")
    services.ticket_link(ticket=ticket, other=old, kind="related", actor=other_agent)
    page = agent_client.get(_url("ticket", ticket.pk))
    seen = page.context["reply_form"]["seen"].value()
    data = {"kind": "reply", "body": "On it", "status": "", "seen": seen}
    assert agent_client.post(_url("ticket-reply", ticket.pk), data).status_code == 302
    assert Message.objects.filter(ticket=ticket, body_text__contains="On it").exists()


def test_a_link_made_after_the_page_was_opened_still_asks_to_confirm(agent_client, other_agent, ticket):
    from tests.factories import make_ticket

    page = agent_client.get(_url("ticket", ticket.pk))
    seen = page.context["reply_form"]["seen"].value()
    services.ticket_link(
        ticket=ticket, other=make_ticket(requester=ticket.requester), kind="related", actor=other_agent
    )
    data = {"kind": "reply", "body": "On it", "status": "", "seen": seen}
    assert agent_client.post(_url("ticket-reply", ticket.pk), data).status_code == 409


def test_a_reply_choosing_the_status_a_colleague_set_meanwhile_meets_the_collision_check(
    agent_client, other_agent, ticket
):
    """Both composers offered "Pending"; the colleague's reply set it first. The second reply is not a
    silent 400 for a choice no longer offered: the agent sees what changed, and "send anyway" sends."""
    page = agent_client.get(_url("ticket", ticket.pk))
    seen = page.context["reply_form"]["seen"].value()
    services.ticket_reply(ticket=ticket, actor=other_agent, body="Colleague answered", status=Status.PENDING)
    data = {"kind": "reply", "body": "On it", "status": Status.PENDING, "seen": seen}
    response = agent_client.post(_url("ticket-reply", ticket.pk), data)
    assert response.status_code == 409
    assert "This ticket changed while you were writing" in response.content.decode()
    data.update(seen=response.context["reply_form"]["seen"].value(), confirmed="True")
    assert agent_client.post(_url("ticket-reply", ticket.pk), data).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert Message.objects.filter(ticket=ticket, body_text="On it").exists()


def test_a_status_the_reply_may_not_set_is_an_error_shown_under_the_box(agent_client, ticket):
    response = agent_client.post(_url("ticket-reply", ticket.pk), {"kind": "reply", "body": "On it", "status": "bogus"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-describedby="id_status_error"' in page and 'id="id_status_error"' in page


def test_reply_after_someone_else_changed_the_ticket_asks_to_confirm(agent_client, other_agent, ticket):
    seen = (timezone.now() - timedelta(minutes=5)).isoformat()
    services.ticket_update(ticket=ticket, actor=other_agent, changes={"priority": "urgent"})
    data = {"kind": "reply", "body": "On it", "status": "", "seen": seen}
    response = agent_client.post(_url("ticket-reply", ticket.pk), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "This ticket changed while you were writing" in body and "Urgent" in body
    assert not Message.objects.filter(ticket=ticket, body_text__contains="On it").exists()
    confirm = response.context["reply_form"]
    data.update(seen=confirm["seen"].value(), confirmed="True")
    assert agent_client.post(_url("ticket-reply", ticket.pk), data).status_code == 302
    assert Message.objects.filter(ticket=ticket, body_text__contains="On it").exists()


def test_own_changes_do_not_trigger_the_collision_warning(agent_client, agent, ticket):
    seen = timezone.now().isoformat()
    services.ticket_update(ticket=ticket, actor=agent, changes={"priority": "high"})
    response = agent_client.post(_url("ticket-reply", ticket.pk), {"kind": "reply", "body": "Hi", "seen": seen})
    assert response.status_code == 302


# --- sidebar properties -----------------------------------------------------------------------


def _props(ticket, **changes):
    data = {
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "team": ticket.team_id or "",
        "assignee": "",
        "tags": "",
    }
    data.update(changes)
    return data


def test_sidebar_changes_fields_through_htmx(agent_client, agent, ticket):
    response = agent_client.post(
        _url("ticket-properties", ticket.pk),
        _props(ticket, priority="high", assignee=agent.pk, tags="vip, printer"),
        **HTMX,
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "ticket-changed"
    assert "Saved." in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee, ticket.status) == ("high", agent, Status.OPEN)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["printer", "vip"]


def test_sidebar_status_change(agent_client, ticket):
    response = agent_client.post(_url("ticket-properties", ticket.pk), _props(ticket, status="on_hold"), **HTMX)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == Status.ON_HOLD


def test_refused_status_change_shows_an_error_not_a_500(agent_client, agent, ticket):
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.CLOSED)
    ticket.refresh_from_db()
    # "open" is not even offered for a closed ticket; the form refuses it.
    response = agent_client.post(_url("ticket-properties", ticket.pk), _props(ticket, status="open"), **HTMX)
    assert response.status_code == 200 and "field-error" in response.content.decode()
    # Without htmx the page reloads with the message.
    response = agent_client.post(_url("ticket-properties", ticket.pk), _props(ticket, status="open"), follow=True)
    assert response.status_code == 200 and "flash-error" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_status_refused_by_the_service_is_shown_on_the_field(agent_client, agent, ticket, monkeypatch):
    from helpdesk.exceptions import InvalidTransition

    def refuse(**kwargs):
        raise InvalidTransition("A ticket cannot go from New to Solved.")

    monkeypatch.setattr(services, "ticket_edit", refuse)  # the page's one call: fields and status together
    response = agent_client.post(_url("ticket-properties", ticket.pk), _props(ticket, status="solved"), **HTMX)
    assert response.status_code == 200 and "A ticket cannot go from New to Solved." in response.content.decode()


# --- referrals, links, merge ------------------------------------------------------------------


def test_refer_answer_and_tell_the_customer(agent_client, agent, other_agent, other_team, ticket):
    from django.test import Client

    client = Client()
    response = agent_client.post(
        _url("ticket-refer", ticket.pk), {"to_team": other_team.pk, "note": "Is the refund approved?", "handoff": "on"}
    )
    assert response.status_code == 302
    referral = Referral.objects.get(ticket=ticket)
    assert referral.handoff and referral.to_team == other_team
    ticket.refresh_from_db()
    assert ticket.team == other_team
    client.force_login(other_agent)
    client.post(_url("referral-answer", ticket.pk, referral.pk), {"answer": "Approved."})
    referral.refresh_from_db()
    assert referral.state == Referral.State.ANSWERED
    agent_client.post(_url("referral-informed", ticket.pk, referral.pk))
    referral.refresh_from_db()
    assert referral.customer_informed_at is not None


def test_refer_without_a_note_shows_an_error(agent_client, other_team, ticket):
    response = agent_client.post(_url("ticket-refer", ticket.pk), {"to_team": other_team.pk, "note": ""}, follow=True)
    assert "flash-error" in response.content.decode() and not Referral.objects.exists()


def test_an_empty_referral_form_says_which_fields_it_needs(agent_client, ticket):
    response = agent_client.post(_url("ticket-refer", ticket.pk), {}, follow=True)
    page = response.content.decode()
    assert "Refer to team: This field is required." in page
    assert "Question or hand-off note: This field is required." in page


def test_a_bulk_change_says_how_many_selected_tickets_it_could_not_find(agent_client, make, agent):
    ticket = make(subject="Here")
    response = agent_client.post(
        _url("ticket-bulk"),
        {"tickets": [ticket.pk, 99999], "action": "assign", "assignee": agent.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "1 ticket updated." in page and "1 tickets" not in page
    assert "1 of the selected tickets was not found: deleted, merged or not yours to see." in page


def test_cancel_a_referral_and_cancel_twice_is_an_error(agent_client, agent, other_team, ticket):
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="?")
    agent_client.post(_url("referral-cancel", ticket.pk, referral.pk))
    referral.refresh_from_db()
    assert referral.state == Referral.State.CANCELLED
    response = agent_client.post(_url("referral-cancel", ticket.pk, referral.pk), follow=True)
    assert "This referral is no longer open." in response.content.decode()


def test_link_two_tickets_by_number(agent_client, ticket, make):
    other = make(subject="Same printer")
    agent_client.post(_url("ticket-link", ticket.pk), {"action": "related", "number": f"#{other.pk}"})
    assert TicketLink.objects.filter(from_ticket=ticket, to_ticket=other, kind="related").exists()


def test_merge_moves_messages_and_closes_the_source(agent_client, ticket, make):
    target = make(subject="Keep this one")
    response = agent_client.post(_url("ticket-link", ticket.pk), {"action": "merge", "number": str(target.pk)})
    assert response["Location"] == _url("ticket", target.pk)
    ticket.refresh_from_db()
    assert ticket.merged_into == target and ticket.status == Status.CLOSED
    assert target.messages.count() == 3  # both first messages and the merge note


def test_merge_into_itself_or_a_missing_ticket_is_an_error(agent_client, ticket):
    body = agent_client.post(
        _url("ticket-link", ticket.pk), {"action": "merge", "number": ticket.pk}, follow=True
    ).content.decode()
    assert "flash-error" in body
    body = agent_client.post(
        _url("ticket-link", ticket.pk), {"action": "merge", "number": "999999"}, follow=True
    ).content.decode()
    assert "There is no ticket #999999." in body


# --- presence ---------------------------------------------------------------------------------


def test_two_agents_see_each_other_on_a_ticket(agent_client, agent, other_agent, ticket):
    from django.test import Client

    agent_client.post(_url("ticket-presence", ticket.pk), {"state": "replying"})
    client = Client()
    client.force_login(other_agent)
    body = client.post(_url("ticket-presence", ticket.pk), {"state": "viewing"}).content.decode()
    assert f"{agent.get_full_name()} is replying" in body
    body = agent_client.post(_url("ticket-presence", ticket.pk), {"state": "viewing"}).content.decode()
    assert f"{other_agent.get_full_name()} is viewing" in body


# --- new tickets and calls --------------------------------------------------------------------


def test_new_ticket_for_a_new_contact_creates_the_contact(agent_client, agent):
    response = agent_client.post(
        _url("ticket-new"),
        {
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "subject": "Cannot log in",
            "body": "Called about the password.",
            "channel": Channel.PHONE,
            "priority": "high",
            "type": "incident",
            "assignee": agent.pk,
            "tags": "login",
        },
    )
    ticket = Ticket.objects.get(subject="Cannot log in")
    assert response["Location"] == _url("ticket", ticket.pk)
    assert ticket.requester.email == "new.person@example.org" and ticket.requester.full_name == "New Person"
    assert (ticket.channel, ticket.priority, ticket.assignee) == (Channel.PHONE, "high", agent)


def test_new_ticket_creates_the_new_contacts_organization_without_leaving_the_form(agent_client):
    from customers.models import Organization

    payload = {"subject": "Quote please", "body": "For 20 seats.", "channel": Channel.PHONE, "priority": "normal"}
    payload |= {"type": "question", "email": "buyer@initrode.test", "organization_name": "Initrode"}
    agent_client.post(_url("ticket-new"), payload)
    ticket = Ticket.objects.get(subject="Quote please")
    assert ticket.requester.organization.name == "Initrode" and ticket.organization.name == "Initrode"
    payload |= {"subject": "Second quote", "email": "cfo@initrode.test", "organization_name": "initrode"}
    agent_client.post(_url("ticket-new"), payload)
    assert Organization.objects.filter(name__iexact="initrode").count() == 1  # found again, not doubled


def test_new_ticket_for_a_known_contact_reuses_it(agent_client, requester):
    agent_client.post(
        _url("ticket-new"),
        {
            "email": requester.email.upper(),
            "subject": "Again",
            "body": "x",
            "channel": "email",
            "priority": "normal",
            "type": "question",
        },
    )
    assert Ticket.objects.get(subject="Again").requester == requester
    assert Contact.objects.count() == 1


def test_new_ticket_with_missing_fields_shows_errors(agent_client):
    response = agent_client.post(_url("ticket-new"), {"email": "not-an-email"})
    assert response.status_code == 400 and "field-error" in response.content.decode()


@pytest.fixture
def caller(organization):
    return contact_create(
        email="caller@acme.test", full_name="Cyrus Caller", phone="+98 912 123 4567", organization=organization
    )


def test_log_a_call_finds_the_caller_typed_with_persian_digits(agent_client, caller):
    response = agent_client.get(_url("call-new"), {"caller": "۰۹۱۲ ۱۲۳ ۴۵۶۷"})
    assert response.status_code == 200
    assert response.context["contact"] == caller  # the only match is chosen


def test_log_a_call_opens_a_phone_ticket(agent_client, caller):
    response = agent_client.post(
        _url("call-new"),
        {
            "contact": caller.pk,
            "direction": "inbound",
            "duration": "7",
            "notes": "Asked about the invoice.",
            "subject": "Invoice call",
            "priority": "normal",
        },
    )
    ticket = Ticket.objects.get(subject="Invoice call")
    assert response["Location"] == _url("ticket", ticket.pk)
    assert ticket.channel == Channel.PHONE and ticket.requester == caller
    event = ticket.events.get(kind=EventKind.CALL_LOGGED)
    assert event.data["direction"] == "inbound" and event.data["duration_minutes"] == 7


def test_numbers_typed_with_persian_or_arabic_digits_are_read(agent_client, caller):
    page = agent_client.get(_url("call-new"), {"caller": "caller@acme.test"}).content.decode()
    # A text box with a numeric keyboard: browsers send a number box empty when it holds Persian digits.
    box = re.search(r'<input [^>]*name="duration"[^>]*>', page).group(0)
    assert 'type="text"' in box and 'inputmode="numeric"' in box and 'dir="ltr"' in box
    for typed, minutes in (("۱۲", 12), ("١٥", 15)):
        agent_client.post(
            _url("call-new"),
            {
                "contact": caller.pk,
                "direction": "inbound",
                "duration": typed,
                "notes": "n",
                "subject": typed,
                "priority": "normal",
            },
        )
        ticket = Ticket.objects.get(subject=typed)
        assert ticket.events.get(kind=EventKind.CALL_LOGGED).data["duration_minutes"] == minutes


def test_log_a_call_on_an_existing_ticket_adds_an_internal_note(agent_client, make, caller):
    existing = make(subject="Ongoing", requester=caller)
    page = agent_client.get(_url("call-new"), {"caller": "٠٩١٢١٢٣٤٥٦٧"})
    assert existing in page.context["open_tickets"]
    agent_client.post(
        _url("call-new"),
        {
            "contact": caller.pk,
            "direction": "outbound",
            "duration": "3",
            "notes": "Told them it is fixed.",
            "ticket": existing.pk,
            "priority": "normal",
        },
    )
    note = existing.messages.get(internal=True)
    assert "Told them it is fixed." in note.body_text and note.channel == Channel.PHONE
    assert existing.events.get(kind=EventKind.CALL_LOGGED).data["direction"] == "outbound"


def test_log_a_call_from_an_unknown_caller_creates_the_contact(agent_client):
    agent_client.post(
        _url("call-new"),
        {
            "email": "stranger@example.org",
            "full_name": "Stranger",
            "phone": "۰۲۱ ۸۸۸۸ ۱۲۳۴",
            "direction": "inbound",
            "duration": "2",
            "notes": "Wants a quote.",
            "subject": "Quote",
            "priority": "low",
        },
    )
    contact = Contact.objects.get(email="stranger@example.org")
    assert contact.phone_digits == "02188881234"
    assert Ticket.objects.get(subject="Quote").requester == contact


def test_log_a_call_needs_a_caller(agent_client):
    response = agent_client.post(
        _url("call-new"), {"direction": "inbound", "duration": "2", "notes": "x", "subject": "s", "priority": "low"}
    )
    assert response.status_code == 400 and not Ticket.objects.exists()
