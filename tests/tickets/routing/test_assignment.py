"""Automatic assignment within a team: round robin, least loaded, away agents, the cap, concurrency."""

import threading
from collections import Counter

import pytest
from django.db import connection

from helpdesk.models import AssignmentMode, NotificationLog, Role
from tests import factories
from tests.factories import make_ticket
from tickets import services
from tickets.models import EventKind, Status, Ticket, TicketEvent
from tickets.routing.assignment import agent_choose, cap_for


def _mode(team, mode, cap=None):
    team.assignment_mode = mode
    team.max_open_per_agent = cap
    team.save()


@pytest.mark.django_db
def test_manual_teams_leave_new_tickets_unassigned(requester, team, team_agents):
    ticket = make_ticket(requester=requester, team=team)
    assert ticket.assignee is None and ticket.status == Status.NEW


@pytest.mark.django_db
def test_round_robin_takes_turns_and_records_a_system_event(requester, team, team_agents):
    _mode(team, AssignmentMode.ROUND_ROBIN)
    owners = [make_ticket(requester=requester, team=team).assignee for _ in range(6)]
    assert owners == team_agents + team_agents
    ticket = Ticket.objects.order_by("-id").first()
    assert ticket.status == Status.OPEN
    event = TicketEvent.objects.get(ticket=ticket, field="assignee")
    assert event.actor is None and event.data == {"assignment": "round_robin"}
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED, actor=None).exists()
    assert NotificationLog.objects.filter(template="ticket_assigned", recipient=team_agents[2].email).exists()


@pytest.mark.django_db
def test_least_loaded_gives_the_ticket_to_the_agent_with_fewest_open(requester, team, team_agents, other_agent):
    first, second, third = team_agents
    for _ in range(3):
        make_ticket(requester=requester, actor=other_agent, team=team, assignee=first)
    make_ticket(requester=requester, actor=other_agent, team=team, assignee=second)
    solved = make_ticket(requester=requester, actor=other_agent, team=team, assignee=third)
    services.ticket_change_status(ticket=solved, actor=third, status=Status.SOLVED)  # solved does not count
    _mode(team, AssignmentMode.LEAST_LOADED)
    owners = [make_ticket(requester=requester, team=team).assignee for _ in range(4)]
    # ties go in turn after the last one chosen
    assert owners == [third, second, third, second]


@pytest.mark.django_db
def test_away_agents_get_nothing_new(requester, team, team_agents):
    _mode(team, AssignmentMode.ROUND_ROBIN)
    team_agents[1].is_away = True
    team_agents[1].save()
    owners = {make_ticket(requester=requester, team=team).assignee for _ in range(4)}
    assert owners == {team_agents[0], team_agents[2]}


@pytest.mark.django_db
def test_inactive_customers_and_other_teams_are_never_chosen(requester, team, team_agents, other_agent):
    _mode(team, AssignmentMode.ROUND_ROBIN)
    team_agents[0].is_active = False
    team_agents[0].save()
    customer_in_team = factories.UserFactory(role=Role.CUSTOMER)
    customer_in_team.teams.add(team)
    owners = {make_ticket(requester=requester, team=team).assignee for _ in range(4)}
    assert owners == {team_agents[1], team_agents[2]}


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [AssignmentMode.ROUND_ROBIN, AssignmentMode.LEAST_LOADED])
def test_the_cap_is_respected_and_overflow_stays_unassigned(requester, team, team_agents, mode):
    _mode(team, mode, cap=2)
    tickets = [make_ticket(requester=requester, team=team) for _ in range(8)]
    assert Counter(t.assignee for t in tickets[:6]) == {a: 2 for a in team_agents}
    assert [t.assignee for t in tickets[6:]] == [None, None]
    assert all(t.status == Status.NEW for t in tickets[6:])


@pytest.mark.django_db
def test_nobody_available_leaves_the_ticket_unassigned(requester, team, team_agents):
    _mode(team, AssignmentMode.LEAST_LOADED)
    for agent in team_agents:
        agent.is_away = True
        agent.save()
    assert make_ticket(requester=requester, team=team).assignee is None


@pytest.mark.django_db
def test_an_assignee_chosen_by_the_opener_or_a_rule_is_kept(requester, team, team_agents, agent):
    _mode(team, AssignmentMode.ROUND_ROBIN)
    ticket = make_ticket(requester=requester, actor=agent, team=team, assignee=team_agents[2])
    assert ticket.assignee == team_agents[2]
    assert not TicketEvent.objects.filter(ticket=ticket, field="assignee").exists()


def test_the_choice_itself_is_a_pure_function():
    a, b, c = (type("U", (), {"pk": n}) for n in (1, 2, 3))
    assert agent_choose(mode="round_robin", candidates=[a, b, c], counts={}, cap=None, last_id=2) is c
    assert agent_choose(mode="round_robin", candidates=[a, b, c], counts={}, cap=None, last_id=3) is a
    assert agent_choose(mode="least_loaded", candidates=[a, b, c], counts={1: 1, 2: 1, 3: 5}, cap=None, last_id=1) is b
    assert agent_choose(mode="least_loaded", candidates=[a, b, c], counts={1: 2, 2: 2, 3: 2}, cap=2, last_id=1) is None


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", [AssignmentMode.ROUND_ROBIN, AssignmentMode.LEAST_LOADED])
def test_twelve_tickets_at_once_for_three_agents_give_each_exactly_four(customer, team, mode):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    agents = [factories.UserFactory(role=Role.AGENT, email=f"load{i}@test.example") for i in range(3)]
    for agent in agents:
        agent.teams.add(team)
    _mode(team, mode)
    contact = customer.contact
    barrier = threading.Barrier(12)
    errors: list = []

    def open_one(n: int):
        try:
            barrier.wait()
            make_ticket(requester=contact, team=team, subject=f"Concurrent {n}")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    counts = Counter(Ticket.objects.filter(subject__startswith="Concurrent").values_list("assignee_id", flat=True))
    assert counts == {agent.pk: 4 for agent in agents}


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [AssignmentMode.ROUND_ROBIN, AssignmentMode.LEAST_LOADED])
def test_an_agents_own_cap_narrows_the_teams(requester, team, team_agents, mode):
    _mode(team, mode, cap=3)
    team_agents[0].max_open_tickets = 1
    team_agents[0].save()
    tickets = [make_ticket(requester=requester, team=team) for _ in range(8)]
    assert Counter(t.assignee for t in tickets[:7]) == {team_agents[0]: 1, team_agents[1]: 3, team_agents[2]: 3}
    assert tickets[7].assignee is None


@pytest.mark.django_db
def test_an_agents_own_cap_applies_in_a_team_without_one_and_never_widens_a_teams(requester, team, team_agents):
    _mode(team, AssignmentMode.ROUND_ROBIN)
    team_agents[1].max_open_tickets = 1
    team_agents[1].save()
    owners = Counter(make_ticket(requester=requester, team=team).assignee for _ in range(7))
    assert owners == {team_agents[0]: 3, team_agents[1]: 1, team_agents[2]: 3}
    _mode(team, AssignmentMode.ROUND_ROBIN, cap=3)
    team_agents[1].max_open_tickets = 50  # more than the team allows: the team's cap still holds
    team_agents[1].save()
    more = Counter(make_ticket(requester=requester, team=team).assignee for _ in range(3))
    assert more == {team_agents[1]: 2, None: 1}


@pytest.mark.django_db
def test_an_agents_own_cap_counts_open_tickets_of_every_team(requester, team, billing, team_agents, other_agent):
    shared = team_agents[0]
    shared.teams.add(billing)
    shared.max_open_tickets = 2
    shared.save()
    make_ticket(requester=requester, actor=other_agent, team=billing, assignee=shared)
    make_ticket(requester=requester, actor=other_agent, team=billing, assignee=shared)
    _mode(team, AssignmentMode.ROUND_ROBIN)
    owners = {make_ticket(requester=requester, team=team).assignee for _ in range(4)}
    assert shared not in owners and owners == {team_agents[1], team_agents[2]}


def test_the_cap_that_applies_is_the_lower_of_the_teams_and_the_agents():
    def agent(cap):
        return type("U", (), {"pk": 1, "max_open_tickets": cap})

    assert cap_for(agent(None), None) is None
    assert cap_for(agent(4), None) == 4
    assert cap_for(agent(None), 3) == 3
    assert (cap_for(agent(2), 3), cap_for(agent(9), 3)) == (2, 3)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_agent_capped_at_three_in_two_teams_gets_three_from_concurrent_tickets_of_both(customer):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    teams = [factories.TeamFactory(name=f"Cap {n}", slug=f"cap-{n}") for n in range(2)]
    shared = factories.UserFactory(role=Role.AGENT, email="shared@test.example", max_open_tickets=3)
    for team in teams:
        shared.teams.add(team)
        _mode(team, AssignmentMode.LEAST_LOADED)
    contact = customer.contact
    barrier = threading.Barrier(10)
    errors: list = []

    def open_one(n: int):
        try:
            barrier.wait()
            make_ticket(requester=contact, team=teams[n % 2], subject=f"Capped {n}")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    counts = Counter(Ticket.objects.filter(subject__startswith="Capped").values_list("assignee_id", flat=True))
    assert counts == {shared.pk: 3, None: 7}
