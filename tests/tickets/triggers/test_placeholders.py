"""Trigger replies and macros share one placeholder syntax and one check (tickets.placeholders): a
`{{name}}` fills in, an unknown or malformed one is refused naming it; old `{subject}` replies still work."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_ticket
from tickets.models import Macro, Message, Trigger
from tickets.workspace import macros

pytestmark = pytest.mark.django_db


def test_a_trigger_reply_fills_in_the_macros_placeholders(trigger, run_on_commit, requester, agent):
    trigger(reply_en="About {{ ticket.subject }} (#{{ticket.number}}), {{customer.name}}.", author=agent)
    with run_on_commit():
        ticket = make_ticket(requester=requester, subject="Printer jam")
    reply = Message.objects.get(ticket=ticket, internal=False, author_user=agent)
    assert reply.body_text == f"About Printer jam (#{ticket.pk}), {requester.full_name or requester.email}."


def test_an_old_single_brace_reply_still_fills_in(trigger, run_on_commit, requester, agent):
    trigger(reply_en="About {subject} (#{ticket_number}).", author=agent)
    with run_on_commit():
        ticket = make_ticket(requester=requester, subject="Printer jam")
    assert Message.objects.get(ticket=ticket, author_user=agent).body_text == f"About Printer jam (#{ticket.pk})."


@pytest.mark.parametrize(
    ("reply", "named"),
    [
        ("About {{ ticket.subjet }}", "Unknown placeholder {{ticket.subjet}}"),
        ("About {ticket.subject}", "Malformed placeholder {ticket.subject}"),
        ("About {{ticket.subject}", "Malformed placeholder {{"),
        ("About {nobody}", "Unknown placeholder {nobody}"),
    ],
)
def test_a_trigger_reply_with_a_bad_placeholder_is_refused_naming_it(trigger, agent, reply, named):
    with pytest.raises(ValidationError) as refused:
        trigger(reply_en=reply, author=agent)
    assert named in " ".join(refused.value.message_dict["reply_en"])
    assert not Trigger.objects.exists()


def test_the_api_refuses_an_unknown_trigger_placeholder_with_a_400_naming_it(as_user, admin_user, agent):
    body = {"name": "x", "events": ["created"], "reply_en": "about {{ ticket.nope }}", "author": agent.pk}
    response = as_user(admin_user).post("/api/v1/triggers/", body, format="json")
    assert response.status_code == 400 and "{{ticket.nope}}" in str(response.json()["errors"]["reply_en"])


def test_a_macro_refuses_a_placeholder_in_single_braces(agent):
    with pytest.raises(ValidationError) as refused:
        macros.macro_create(actor=agent, name="x", body="Hi {customer.name}")
    assert "Malformed placeholder {customer.name}" in " ".join(refused.value.message_dict["body"])
    assert not Macro.objects.filter(name="x").exists()


def test_a_macro_fills_in_the_team_name_as_triggers_do(agent, requester, team):
    ticket = make_ticket(requester=requester, team=team)
    macro = Macro.objects.create(owner=agent, name="x", body="{{team.name}}")
    assert macros.macro_render(macro=macro, ticket=ticket, agent=agent) == team.name
