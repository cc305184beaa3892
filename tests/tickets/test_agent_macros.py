"""Macros: who sees and edits them, safe placeholders, and applying one as a single transaction."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk.exceptions import InvalidTransition
from tests.factories import ContactFactory
from tickets import services
from tickets.models import EventKind, Macro, Message, Status
from tickets.workspace import macros
from tickets.workspace.pickers import pickers_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def macro(agent):
    return macros.macro_create(
        actor=agent,
        name="Thanks",
        body="Hello {{customer.first_name}}, ticket {{ticket.number}} ({{ticket.subject}}) is done. {{agent.name}}",
        status=Status.SOLVED,
        priority="high",
        add_tags=["Answered"],
    )


# --- personas ---------------------------------------------------------------------------------

PAGES = ["agent:macros", "agent:macro-new"]


@pytest.mark.parametrize("name", PAGES)
def test_macro_pages_render_for_an_agent(agent_client, name):
    assert agent_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_macro_pages_do_not_exist_for_a_customer(client, customer, name):
    client.force_login(customer)
    assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_from_macro_pages(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_customer_cannot_preview_apply_edit_or_delete_a_macro(client, customer, macro, ticket):
    client.force_login(customer)
    assert client.get(reverse("agent:macro-edit", args=[macro.pk])).status_code == 404
    assert client.post(reverse("agent:macro-delete", args=[macro.pk])).status_code == 404
    assert client.get(reverse("agent:macro-preview", args=[ticket.pk]), {"macro": macro.pk}).status_code == 404
    assert client.post(reverse("agent:macro-apply", args=[ticket.pk]), {"macro": macro.pk}).status_code == 404
    assert Macro.objects.filter(pk=macro.pk).exists() and ticket.messages.count() == 1


def test_anonymous_cannot_apply_a_macro(client, macro, ticket):
    response = client.post(reverse("agent:macro-apply", args=[ticket.pk]), {"macro": macro.pk})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_agent_of_another_team_does_not_see_a_private_macro(client, other_agent, macro, ticket):
    client.force_login(other_agent)
    assert "Thanks" not in client.get(reverse("agent:macros")).content.decode()
    assert client.get(reverse("agent:macro-edit", args=[macro.pk])).status_code == 404
    assert client.post(reverse("agent:macro-delete", args=[macro.pk])).status_code == 404
    assert client.post(reverse("agent:macro-apply", args=[ticket.pk]), {"macro": macro.pk}).status_code == 404
    assert Macro.objects.filter(pk=macro.pk).exists()


def test_visibility_is_own_team_shared_and_global(agent, other_agent, admin_user, team, other_team):
    mine = macros.macro_create(actor=agent, name="Mine", body="x")
    shared = macros.macro_create(actor=agent, name="Shared", body="x", shared_with_team=team)
    other = macros.macro_create(actor=other_agent, name="Billing only", body="x", shared_with_team=other_team)
    everyone = macros.macro_create(actor=admin_user, name="Everyone", body="x", is_global=True)
    teammate = agent.__class__.objects.create_user(email="mate@test.example", password="x", role="agent")
    teammate.teams.add(team)
    assert set(macros.macro_list_for(user=agent)) == {mine, shared, everyone}
    assert set(macros.macro_list_for(user=teammate)) == {shared, everyone}
    assert set(macros.macro_list_for(user=other_agent)) == {other, everyone}


def test_only_admins_make_global_macros_and_agents_share_only_with_their_teams(agent, other_team):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        macros.macro_create(actor=agent, name="All", body="x", is_global=True)
    with pytest.raises(ValidationError):
        macros.macro_create(actor=agent, name="Theirs", body="x", shared_with_team=other_team)


def test_teammate_uses_but_cannot_edit_a_shared_macro(client, agent, team):
    shared = macros.macro_create(actor=agent, name="Shared", body="x", shared_with_team=team)
    teammate = agent.__class__.objects.create_user(email="mate@test.example", password="x", role="agent")
    teammate.teams.add(team)
    client.force_login(teammate)
    assert "Shared" in client.get(reverse("agent:macros")).content.decode()
    assert client.get(reverse("agent:macro-edit", args=[shared.pk])).status_code == 404


def test_admin_edits_any_macro(client, admin_user, macro):
    client.force_login(admin_user)
    response = client.post(
        reverse("agent:macro-edit", args=[macro.pk]),
        {"name": "Renamed", "body": "Hi", "internal": "1", "is_active": "on"},
    )
    assert response.status_code == 302
    macro.refresh_from_db()
    assert macro.name == "Renamed" and macro.internal


def test_agent_creates_edits_and_deletes_a_macro_through_the_pages(agent_client, team):
    response = agent_client.post(
        reverse("agent:macro-new"),
        {
            "name": "Need logs",
            "body": "Please send logs, {{customer.name}}.",
            "internal": "0",
            "status": "pending",
            "add_tags": "logs, waiting",
            "shared_with_team": team.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    macro = Macro.objects.get(name="Need logs")
    assert macro.add_tags == ["logs", "waiting"] and macro.shared_with_team == team and macro.is_active
    assert "Need logs" in agent_client.get(reverse("agent:macros")).content.decode()
    agent_client.post(
        reverse("agent:macro-edit", args=[macro.pk]), {"name": "Need logs!", "body": "x", "internal": "1"}
    )
    macro.refresh_from_db()
    assert macro.name == "Need logs!" and macro.internal and not macro.is_active
    agent_client.post(reverse("agent:macro-delete", args=[macro.pk]))
    assert not Macro.objects.filter(pk=macro.pk).exists()


def test_macro_without_text_is_refused(agent_client):
    response = agent_client.post(reverse("agent:macro-new"), {"name": "Empty", "body": "", "internal": "0"})
    assert response.status_code == 400 and not Macro.objects.exists()


# --- placeholders -----------------------------------------------------------------------------


def test_placeholders_render_for_a_persian_customer(agent, make, organization):
    persian = ContactFactory(organization=organization, full_name="سارا محمدی", email="sara@acme.test")
    ticket = make(subject="چاپگر کار نمی‌کند", requester=persian)
    macro = macros.macro_create(
        actor=agent,
        name="fa",
        body="سلام {{customer.first_name}} ({{ customer.name }}) — #{{ticket.number}} {{ticket.subject}} / {{organization.name}} / {{agent.name}}",
    )
    text = macros.macro_render(macro=macro, ticket=ticket, agent=agent)
    assert text == (f"سلام سارا (سارا محمدی) — #{ticket.pk} چاپگر کار نمی‌کند / Acme / {agent.get_full_name()}")


def test_unknown_placeholders_and_template_syntax_stay_literal(agent, ticket):
    """Rendering never runs what it does not know (a macro saved before its text was checked)."""
    body = "{{customer.secret}} {% load static %}{% now 'Y' %} {{ settings.SECRET_KEY }} {{customer.name|upper}}"
    macro = Macro.objects.create(owner=agent, name="x", body=body)
    assert macros.macro_render(macro=macro, ticket=ticket, agent=agent) == body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hi {{customer.password}}", "Unknown placeholder {{customer.password}}"),
        ("{{ settings.SECRET_KEY }} and {{customer.name|upper}}", "{{settings.SECRET_KEY}}, {{customer.name|upper}}"),
        ("Done. {% debug %}", "Template tags ({% ... %}) are not run"),
    ],
)
def test_a_macro_naming_what_it_cannot_fill_in_is_refused(agent, macro, body, message):
    with pytest.raises(ValidationError) as refused:
        macros.macro_create(actor=agent, name="x", body=body)
    assert message in " ".join(refused.value.message_dict["body"])
    with pytest.raises(ValidationError):
        macros.macro_update(macro=macro, actor=agent, body=body)
    assert not Macro.objects.filter(name="x").exists()


def test_the_macro_page_and_the_api_say_which_placeholder_is_unknown(agent_client, agent, token_client):
    page = agent_client.post(
        reverse("agent:macro-new"), {"name": "x", "internal": "0", "body": "Hi {{customer.password}}"}
    )
    assert "Unknown placeholder {{customer.password}}" in page.content.decode()
    api = token_client(agent).post(
        "/api/v1/macros/", {"name": "x", "body": "Hi {{ foo.bar }}"}, format="json", HTTP_ACCEPT_LANGUAGE="fa"
    )
    assert api.status_code == 400 and "body" in str(api.json()) and "{{foo.bar}}" in str(api.json())
    assert "از این‌ها استفاده کنید" in api.content.decode()
    assert not Macro.objects.filter(name="x").exists()


def test_preview_shows_the_rendered_text(agent_client, macro, ticket, requester):
    response = agent_client.get(reverse("agent:macro-preview", args=[ticket.pk]), {"macro": macro.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Hello {requester.full_name.split()[0]}, ticket {ticket.pk}" in body
    assert "Apply macro now" in body


def test_ticket_page_offers_the_macros_i_may_use(agent_client, macro, ticket, other_agent):
    macros.macro_create(actor=other_agent, name="Not for you", body="x")
    body = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert 'id="macro-select"' in body and "Thanks" in body and "Not for you" not in body


def test_each_agents_picker_is_their_own_whoever_opened_a_ticket_first(agent, other_agent, team, other_team):
    """The picker is read with the composer's activity types by a statement compiled once per process
    (pickers.pickers_load(macros=True)): each agent gets their own, their teams' and the global macros,
    as macro_list_for reads them and in its order, whoever opened a ticket first."""
    macros.macro_create(actor=agent, name="Mine only", body="x")
    macros.macro_create(actor=agent, name="For my team", body="x", shared_with_team=team)
    macros.macro_create(actor=other_agent, name="Theirs only", body="x")
    macros.macro_create(actor=other_agent, name="For their team", body="x", shared_with_team=other_team)
    for user in (agent, other_agent, agent, other_agent):
        picked = [(m.pk, m.name) for m in pickers_load(user=user, statuses=False, categories=False, macros=True).macros]
        assert picked == [(m.pk, m.name) for m in macros.macro_list_for(user=user).filter(is_active=True)]
        names = {name for _pk, name in picked}
        mine = {"Mine only", "For my team"} if user == agent else {"Theirs only", "For their team"}
        assert mine <= names and not (names & ({"Mine only", "For my team", "Theirs only", "For their team"} - mine))


def test_ticket_page_leaves_inactive_macros_out_of_the_picker(agent_client, agent, macro, ticket):
    retired = macros.macro_create(actor=agent, name="Retired answer", body="x")
    type(retired).objects.filter(pk=retired.pk).update(is_active=False)
    body = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert f'<option value="{macro.pk}">' in body and "Retired answer" not in body


# --- applying ---------------------------------------------------------------------------------


def test_apply_posts_the_reply_and_changes_fields_at_once(agent_client, agent, macro, ticket):
    response = agent_client.post(reverse("agent:macro-apply", args=[ticket.pk]), {"macro": macro.pk})
    assert response.status_code == 302
    ticket.refresh_from_db()
    reply = ticket.messages.order_by("-id").first()
    assert reply.author_user == agent and not reply.internal and f"ticket {ticket.pk}" in reply.body_text
    assert ticket.status == Status.SOLVED and ticket.priority == "high"
    assert [t.name for t in ticket.tags.all()] == ["answered"]
    macro.refresh_from_db()
    assert macro.usage_count == 1


def test_internal_macro_adds_a_note(agent, ticket):
    macro = macros.macro_create(actor=agent, name="n", body="Escalate to {{agent.name}}", internal=True)
    message = macros.macro_apply(macro=macro, ticket=ticket, actor=agent)
    assert message.internal and ticket.events.filter(kind=EventKind.NOTE_ADDED).exists()


def test_refused_status_change_posts_nothing(agent_client, agent, ticket):
    macro = macros.macro_create(actor=agent, name="Reopen", body="Back to new", status=Status.NEW, priority="urgent")
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    messages_before = Message.objects.count()
    with pytest.raises(InvalidTransition):
        macros.macro_apply(macro=macro, ticket=ticket, actor=agent)
    response = agent_client.post(reverse("agent:macro-apply", args=[ticket.pk]), {"macro": macro.pk}, follow=True)
    assert "The macro was not applied" in response.content.decode()
    ticket.refresh_from_db()
    macro.refresh_from_db()
    assert Message.objects.count() == messages_before
    assert ticket.priority == "normal" and ticket.status == Status.SOLVED and macro.usage_count == 0


def test_switched_off_macro_is_not_applied(agent, ticket):
    from django.core.exceptions import ValidationError

    macro = macros.macro_create(actor=agent, name="off", body="x", is_active=False)
    with pytest.raises(ValidationError):
        macros.macro_apply(macro=macro, ticket=ticket, actor=agent)
    assert ticket.messages.count() == 1


def test_the_admin_refuses_an_unknown_placeholder_too(client, admin_user):
    client.force_login(admin_user)
    answer = client.post(
        "/admin/tickets/macro/add/",
        {"name": "x", "body": "{{customer.password}}", "add_tags": "[]", "usage_count": "0", "is_active": "on"},
    )
    assert answer.status_code == 200 and "Unknown placeholder {{customer.password}}" in answer.content.decode()
    assert not Macro.objects.filter(name="x").exists()
