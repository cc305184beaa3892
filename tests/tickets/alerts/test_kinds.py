"""Each kind of notification comes from the real path that causes it, and each agent's choice of
in-app, mail, both or none decides what is written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, SlaPolicy, SlaTarget
from helpdesk.models import NotificationLog
from tests import factories
from tests.factories import make_ticket
from tickets import services
from tickets.alerts import services as alerts
from tickets.alerts.mentions import mentioned_names
from tickets.alerts.text import alert_text
from tickets.models import Notification, NotificationKind, NotificationPreference
from tickets.sla.escalation import sla_sweep


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


@pytest.fixture
def teammate(team):
    user = factories.UserFactory(role="agent", email="teammate@test.example", full_name="Sara Jones")
    user.teams.add(team)
    return user


@pytest.fixture
def contact(customer):
    return Contact.objects.get(user=customer)


def test_a_new_unassigned_ticket_tells_its_teams_members_but_not_other_teams(
    contact, customer, team, agent, teammate, other_agent
):
    ticket = make_ticket(requester=contact, actor=customer, team=team)
    assert kinds_of(agent) == kinds_of(teammate) == ["team_ticket"]
    assert kinds_of(other_agent) == []
    n = Notification.objects.get(recipient=agent)
    assert n.ticket_id == ticket.pk and n.url == f"/agent/tickets/{ticket.pk}/"
    assert not NotificationLog.objects.filter(recipient=agent.email).exists()  # no mail for this kind by default


def test_the_agent_who_opens_a_ticket_is_not_told_about_it(contact, team, agent, teammate):
    make_ticket(requester=contact, actor=agent, team=team)
    assert kinds_of(agent) == [] and kinds_of(teammate) == ["team_ticket"]


def test_assigning_tells_the_assignee_in_the_app_and_by_mail(contact, customer, team, agent, teammate):
    ticket = make_ticket(requester=contact, actor=customer, team=team)
    services.ticket_update(ticket=ticket, actor=agent, changes={"assignee": teammate})
    assert kinds_of(teammate) == ["team_ticket", "assigned"]
    assert alert_text(Notification.objects.get(recipient=teammate, kind="assigned")).startswith(str(agent))
    assert NotificationLog.objects.filter(recipient=teammate.email, template="ticket_assigned").count() == 1


def test_taking_a_ticket_oneself_tells_nobody(contact, customer, team, agent):
    ticket = make_ticket(requester=contact, actor=customer, team=team)
    services.ticket_update(ticket=ticket, actor=agent, changes={"assignee": agent})
    assert kinds_of(agent) == ["team_ticket"]
    assert not NotificationLog.objects.filter(template="ticket_assigned").exists()


def test_a_customer_reply_tells_the_assignee(contact, customer, team, agent, teammate):
    ticket = make_ticket(requester=contact, actor=customer, team=team, assignee=agent)
    message = services.ticket_reply(ticket=ticket, actor=customer, body="Any news?")
    [n] = Notification.objects.filter(recipient=agent, kind="customer_reply")
    assert n.url == f"/agent/tickets/{ticket.pk}/#message-{message.pk}"
    assert kinds_of(teammate) == []  # assigned: the team is not told about the reply


def test_an_internal_note_tells_the_agents_it_mentions_by_email_name_or_full_name(
    contact, customer, team, agent, teammate, other_agent
):
    persian = factories.UserFactory(role="agent", email="s.ahmadi@test.example", full_name="سارا احمدی")
    customer_user = customer
    ticket = make_ticket(requester=contact, actor=customer, team=team)
    Notification.objects.all().delete()
    services.ticket_reply(
        ticket=ticket,
        actor=agent,
        internal=True,
        body="@billing-agent can you check? cc @Sara_Jones and @سارا_احمدی. Not carla@acme.test, not @agent (me).",
    )
    assert kinds_of(other_agent) == kinds_of(teammate) == kinds_of(persian) == ["mention"]
    assert kinds_of(agent) == [] and kinds_of(customer_user) == []


def test_a_public_reply_mentions_nobody(contact, customer, team, agent, other_agent):
    ticket = make_ticket(requester=contact, actor=customer, team=team)
    services.ticket_reply(ticket=ticket, actor=agent, body="I asked @billing-agent for you.")
    assert kinds_of(other_agent) == []


def test_mention_names_end_at_punctuation_and_skip_email_addresses():
    assert mentioned_names("@Sara. Ask a@b.c and @ali_reza, @علی‌رضا!") == ["sara", "ali_reza", "علی‌رضا"]


def test_a_referral_tells_the_receiving_team_and_its_answer_tells_the_assignee(
    contact, customer, team, agent, other_team, other_agent
):
    ticket = make_ticket(requester=contact, actor=customer, team=team, assignee=agent)
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Refund?")
    [n] = Notification.objects.filter(recipient=other_agent)
    assert (n.kind, n.referral_id, n.url) == (
        "referral",
        referral.pk,
        f"/agent/tickets/{ticket.pk}/#referral-{referral.pk}",
    )
    assert "Billing" in alert_text(n)
    services.referral_answer(referral=referral, actor=other_agent, answer="Yes")
    assert Notification.objects.filter(recipient=agent, kind="referral_answered", referral=referral).count() == 1
    assert NotificationLog.objects.filter(recipient=agent.email, template="referral_answered").count() == 1


@pytest.fixture
def policy(db, team):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    return policy


def test_the_sla_sweep_warns_then_reports_the_breach_to_the_assignee(policy, contact, customer, team, agent, teammate):
    start = timezone.now() - timedelta(minutes=5)
    make_ticket(requester=contact, actor=customer, team=team, assignee=agent, now=start)
    sla_sweep(now=start + timedelta(minutes=46))
    sla_sweep(now=start + timedelta(minutes=47))
    assert kinds_of(agent) == ["sla_warning"]
    sla_sweep(now=start + timedelta(minutes=61))
    assert kinds_of(agent) == ["sla_warning", "sla_breached"]
    assert kinds_of(teammate) == []
    warning = Notification.objects.get(recipient=agent, kind="sla_warning")
    assert warning.params == {"target": "first_response"} and "first response" in alert_text(warning)
    assert NotificationLog.objects.filter(recipient=agent.email, template="sla_warning").count() == 1


def test_the_sla_sweep_tells_an_unowned_tickets_team(policy, contact, customer, team, agent, teammate):
    start = timezone.now() - timedelta(minutes=5)
    make_ticket(requester=contact, actor=customer, team=team, now=start)
    sla_sweep(now=start + timedelta(minutes=46))
    assert kinds_of(agent) == kinds_of(teammate) == ["team_ticket", "sla_warning"]


def test_an_overdue_referral_tells_the_referring_agent_and_the_receiving_team(
    policy, contact, customer, team, agent, other_team, other_agent
):
    other_team.referral_target_minutes = 120
    other_team.save()
    ticket = make_ticket(requester=contact, actor=customer, team=team, assignee=agent)
    start = ticket.created_at
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Refund?", now=start)
    sla_sweep(now=start + timedelta(minutes=61))
    sla_sweep(now=start + timedelta(minutes=121))
    sla_sweep(now=start + timedelta(minutes=122))
    referral_kinds = ("referral", "referral_due", "referral_overdue")
    assert [k for k in kinds_of(agent) if k in referral_kinds] == ["referral_due", "referral_overdue"]
    assert [k for k in kinds_of(other_agent) if k in referral_kinds] == list(referral_kinds)
    assert Notification.objects.filter(referral=referral, kind="referral_overdue").count() == 2


# --- preferences ------------------------------------------------------------------------------


def test_an_agent_who_chose_mail_only_gets_no_in_app_line(contact, customer, team, agent, teammate):
    alerts.notification_preferences_set(user=teammate, choices={"assigned": "mail"})
    ticket = make_ticket(requester=contact, actor=customer, team=team)
    services.ticket_update(ticket=ticket, actor=agent, changes={"assignee": teammate})
    assert kinds_of(teammate) == ["team_ticket"]
    assert NotificationLog.objects.filter(recipient=teammate.email, template="ticket_assigned").count() == 1


def test_an_agent_who_chose_in_app_only_gets_no_mail(contact, customer, team, agent, teammate):
    alerts.notification_preferences_set(user=teammate, choices={"assigned": "inapp", "team_ticket": "none"})
    ticket = make_ticket(requester=contact, actor=customer, team=team)
    services.ticket_update(ticket=ticket, actor=agent, changes={"assignee": teammate})
    assert kinds_of(teammate) == ["assigned"]
    assert not NotificationLog.objects.filter(recipient=teammate.email).exists()


def test_an_agent_can_ask_for_mail_about_a_kind_that_is_not_mailed_by_default(contact, customer, team, agent):
    alerts.notification_preferences_set(user=agent, choices={"referral": "both"})
    ticket = make_ticket(requester=contact, actor=customer, team=team)
    referral = services.ticket_refer(
        ticket=ticket, actor=factories.UserFactory(role="agent"), to_team=team, note="?", handoff=True
    )
    assert NotificationLog.objects.filter(key=f"referral:{referral.pk}:{agent.email}").exists()


def test_a_team_with_its_own_address_gets_the_mail_there_and_its_members_in_the_app(
    contact, customer, team, agent, other_team, other_agent
):
    other_team.email = "billing@test.example"
    other_team.save()
    ticket = make_ticket(requester=contact, actor=customer, team=team, assignee=agent)
    services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Refund?")
    assert list(NotificationLog.objects.filter(template="referral_created").values_list("recipient", flat=True)) == [
        "billing@test.example"
    ]
    assert kinds_of(other_agent) == ["referral"]


def test_a_choice_equal_to_the_default_is_stored_as_no_row(agent):
    alerts.notification_preferences_set(user=agent, choices={"assigned": "inapp"})
    alerts.notification_preferences_set(user=agent, choices={"assigned": "both", "nonsense": "mail"})
    assert not NotificationPreference.objects.filter(user=agent).exists()


def test_notify_is_callable_for_a_kind_no_path_uses_yet(contact, customer, team, agent):
    """The survey will call it for bad ratings: the team lead hears in the app by default."""
    ticket = make_ticket(requester=contact, actor=customer, team=team)
    [n] = alerts.notify(kind=NotificationKind.BAD_RATING, recipients=[agent], ticket=ticket, params={"rating": 1})
    assert n.recipient == agent and "rated ticket" in alert_text(n)


def test_customers_and_inactive_people_never_get_in_app_notifications(contact, customer, team, agent):
    ticket = make_ticket(requester=contact, actor=customer, team=team)
    gone = factories.UserFactory(role="agent", is_active=False)
    rows = alerts.notify(kind=NotificationKind.MENTION, recipients=[customer, gone, agent], ticket=ticket)
    assert [n.recipient for n in rows] == [agent]


def test_the_page_line_isolates_names_escapes_them_and_writes_persian_digits(contact, customer, team, agent):
    from django.utils import translation

    from tickets.alerts.text import alert_html

    ticket = make_ticket(requester=contact, actor=customer, team=team)
    writer = factories.UserFactory(role="agent", full_name="<b>Ali</b> 2")
    [n] = alerts.notify(kind=NotificationKind.MENTION, recipients=[agent], ticket=ticket, actor=writer)
    assert str(alert_html(n)).startswith("<bdi>&lt;b&gt;Ali&lt;/b&gt; 2</bdi> mentioned you")
    with translation.override("fa"):
        line = str(alert_html(n))
    assert "<bdi>&lt;b&gt;Ali&lt;/b&gt; 2</bdi>" in line and f"#{ticket.pk}" not in line
