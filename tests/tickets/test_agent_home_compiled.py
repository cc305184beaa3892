"""The home page's lists run statements compiled once per number of teams (tickets.workspace.home): for
agents in no team, one team and two, they find what the ORM's querysets find, in the same order, with
the same values, and an agent never gets another agent's rows from a statement compiled for them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.models import Team
from tests import factories
from tickets import services
from tickets.models import CustomStatus, SlaState, Status, Ticket
from tickets.workspace import home, lists

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(agent, other_agent, team, other_team, make):
    """Tickets in every home list of the three agents below, with custom statuses and referrals."""
    third = Team.objects.create(name="Nights", slug="nights")
    both = factories.UserFactory(role="agent", email="both@test.example")
    both.teams.add(team, other_team)
    alone = factories.UserFactory(role="agent", email="alone@test.example")  # in no team
    visit = CustomStatus.objects.create(name="Visit booked", name_fa="بازدید", base_status=Status.ON_HOLD)
    now = timezone.now()
    for i in range(12):
        for assignee, in_team in ((agent, team), (both, other_team), (None, team), (None, other_team), (alone, third)):
            ticket = make(subject=f"{i} {in_team.name} {getattr(assignee, 'email', '-')}", team=in_team)
            state = (SlaState.OK, SlaState.WARNING, SlaState.BREACHED)[i % 3]
            Ticket.objects.filter(pk=ticket.pk).update(
                assignee=assignee,
                sla_state=state,
                status=(Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED)[i % 4],
                custom_status=visit if i % 4 == 2 else None,
                resolution_due_at=now + timedelta(hours=i - 5) if i % 5 else None,
                first_response_due_at=now + timedelta(minutes=7 * i) if i % 2 else None,
            )
            to_team = [t for t in (team, other_team, third) if t != in_team][i % 2]
            if i < 10:
                services.ticket_refer(ticket=ticket, actor=agent, to_team=to_team, note=f"N{i}")
    return [agent, other_agent, both, alone]


def _orm(user):
    """What the page showed before the statements were compiled: the querysets run by the ORM."""
    team_ids = sorted(user.teams.values_list("pk", flat=True))
    sections = home.section_querysets(user, team_ids)
    referrals = lists.open_referrals_for(user=user, team_ids=team_ids)
    counts = lists.capped_counts([*sections.values(), referrals])
    out = {
        name: (
            list(qs.by_sla_due().select_related("custom_status").values_list(*home.TICKET_FIELDS)[: home.ROWS]),
            list(qs.by_sla_due().values_list("custom_status__name", flat=True)[: home.ROWS]),
            count,
        )
        for (name, qs), count in zip(sections.items(), counts, strict=False)
    }
    out["referrals"] = (
        list(referrals.values_list("id", "ticket__subject", "note", "due_at", "to_team__name")[: home.ROWS]),
        counts[-1],
    )
    return out


def _compiled(user):
    found = home.home_lists(user)
    out = {
        name: (
            [tuple(getattr(t, field) for field in home.TICKET_FIELDS) for t in found[name]["rows"]],
            [t.custom_status.name if t.custom_status_id else None for t in found[name]["rows"]],
            found[name]["count"],
        )
        for name in home.SECTIONS
    }
    rows = found["referrals"]["rows"]
    out["referrals"] = (
        [(r.pk, r.ticket.subject, r.note, r.due_at, r.to_team.name) for r in rows],
        found["referrals"]["count"],
    )
    return out


def test_the_compiled_lists_are_the_querysets_lists_for_every_number_of_teams(desk):
    for user in desk:
        expected, got = _orm(user), _compiled(user)
        assert got == expected, user.email
    # what the cases cover: full sections, empty ones, custom statuses, referrals both ways
    assert _compiled(desk[2])["unassigned"][2] > home.ROWS and _compiled(desk[3])["unassigned"] == ([], [], 0)
    assert "Visit booked" in _compiled(desk[0])["breached"][1] + _compiled(desk[0])["warning"][1]
    assert _compiled(desk[3])["referrals"] == ([], 0) and len(_compiled(desk[2])["referrals"][0]) == home.ROWS


def test_each_statement_is_compiled_once_per_number_of_teams_and_runs_with_each_agents_values(desk):
    agent, other_agent, both, _alone = desk
    home._COMPILED.clear()
    first = _compiled(agent)
    compiled = dict(home._COMPILED)
    assert {key[1] for key in compiled if key[0] == "unassigned"} == {1}
    second = _compiled(other_agent)  # one team too: the same statements
    assert compiled == home._COMPILED
    assert first != second and second == _orm(other_agent)
    _compiled(both)  # two teams: statements of their own
    assert ("unassigned", 2) in home._COMPILED and len(home._COMPILED) > len(compiled)


def test_the_rows_are_tickets_with_moments_and_labels_the_page_prints(desk, agent):
    rows = home.home_lists(agent)["breached"]["rows"]
    assert rows and all(isinstance(t, Ticket) for t in rows)
    assert all(t.updated_at.tzinfo is not None for t in rows)  # a moment, also on SQLite
    assert all(t.status_label and t.priority_label and t.url == f"/agent/tickets/{t.pk}/" for t in rows)
