"""The shared lists kept between requests (helpdesk.shared_lists): read once per process and version, and
never shown stale, whichever way their tables change (a service, a queryset's update(), a many-to-many
link, a rolled-back transaction)."""

import copy
import itertools
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpdesk import services as core_services
from helpdesk import shared_lists
from helpdesk.models import SharedListsVersion, Team, User
from tests import factories
from tickets.models import Category, CustomStatus, RootCause, SavedView, Status, Ticket
from tickets.problems.categories import category_create
from tickets.statuses.services import custom_status_create
from tickets.workspace import pickers, saved_views
from tickets.workspace.macros import macro_create

pytestmark = pytest.mark.django_db

LIST = "/agent/tickets/?view=open"


def _statements(client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def _read_lists(sql: list[str]) -> list[str]:
    """The statements among `sql` that read the pickers or the saved views (both read the user's teams;
    what the rows name does not)."""
    return [s for s in sql if "tickets_savedview" in s or "helpdesk_user_teams" in s]


def test_the_list_reads_its_pickers_and_saved_views_once_while_they_stay_the_same(agent_client, agent, make):
    make(subject="A row, so the list reads what its rows name")
    shared_lists.forget()
    _page, first = _statements(agent_client, LIST)
    assert len(_read_lists(first)) == 2  # the pickers' statement and the saved views' tabs
    page, again = _statements(agent_client, LIST)
    assert _read_lists(again) == []
    assert len(again) == 3  # the session with its user and the version, the rows, what the rows name
    assert "First line" in page  # the team picker, from what this process kept


def test_the_ticket_page_reads_its_composer_pickers_once(agent_client, agent, make):
    ticket = make(subject="Kept pickers")
    url = reverse("agent:ticket", args=[ticket.pk])
    _statements(agent_client, url)
    _page, again = _statements(agent_client, url)
    assert not [s for s in again if "tickets_activitytype" in s or "tickets_macro" in s]


def _rename_team_by_service(agent, team, admin_user):
    core_services.team_update(actor=admin_user, team=team, data={"name": "Front desk"})
    return "Front desk"


def _rename_team_by_update(agent, team, admin_user):
    Team.objects.filter(pk=team.pk).update(name="Front desk")  # no save(), no signal: the trigger sees it
    return "Front desk"


def _new_agent(agent, team, admin_user):
    factories.UserFactory(role="agent", email="new@test.example", full_name="Newcomer Agent")
    return "Newcomer Agent"


def _agent_renamed_by_update(agent, team, admin_user):
    User.objects.filter(pk=agent.pk).update(full_name="Renamed Person")
    return "Renamed Person"


def _new_custom_status(agent, team, admin_user):
    custom_status_create(actor=admin_user, name="Waiting for parts", base_status=Status.ON_HOLD)
    return "Waiting for parts"


def _new_team_joined(agent, team, admin_user):
    agent.teams.add(Team.objects.create(name="Night shift", slug="night-shift"))  # the user's own teams
    return "Night shift"


def _new_saved_view(agent, team, admin_user):
    saved_views.saved_view_create(actor=agent, name="My urgent ones", query={"priority": "urgent"}, columns=[])
    return "My urgent ones"


def _shared_view_of_a_colleague(agent, team, admin_user):
    colleague = factories.UserFactory(role="agent", email="colleague@test.example")
    colleague.teams.add(team)
    saved_views.saved_view_create(actor=colleague, name="Team queue", query={}, columns=[], shared_with_team=team)
    return "Team queue"


CHANGES = [
    _rename_team_by_service,
    _rename_team_by_update,
    _new_agent,
    _agent_renamed_by_update,
    _new_custom_status,
    _new_team_joined,
    _new_saved_view,
    _shared_view_of_a_colleague,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_a_change_to_a_kept_list_shows_on_the_next_request(change, agent_client, agent, team, admin_user):
    before, _sql = _statements(agent_client, LIST)
    _statements(agent_client, LIST)  # served from what the process keeps
    shown = change(agent, team, admin_user)
    assert shown not in before
    after, sql = _statements(agent_client, LIST)
    assert shown in after
    assert _read_lists(sql)  # read again, once


def test_the_bulk_bar_shows_a_new_category_and_the_composer_a_new_macro(agent_client, agent, admin_user, make):
    fields = reverse("agent:ticket-bulk-fields")
    agent_client.get(fields)
    category_create(actor=admin_user, name="Hardware")
    assert "Hardware" in agent_client.get(fields).content.decode()
    ticket = make(subject="Macro check")
    url = reverse("agent:ticket", args=[ticket.pk])
    agent_client.get(url)
    macro_create(actor=agent, name="Polite goodbye", body="Thanks!")
    assert "Polite goodbye" in agent_client.get(url).content.decode()


def test_a_rolled_back_change_leaves_no_version_that_comes_back_with_other_data(agent_client, agent, team):
    """The version is a new random value each time, not a counter: a counter taken back by a rollback
    would be counted up again by the next change, to a version already kept with the rolled-back rows."""
    _statements(agent_client, LIST)
    with pytest.raises(RuntimeError), transaction.atomic():
        Team.objects.filter(pk=team.pk).update(name="Ghost team")
        assert "Ghost team" in _statements(agent_client, LIST)[0]  # kept under the version of the rollback
        raise RuntimeError
    Team.objects.filter(pk=team.pk).update(name="Real team")
    page = _statements(agent_client, LIST)[0]
    assert "Real team" in page
    assert "Ghost team" not in page


def test_without_the_version_row_every_request_reads_the_lists(agent_client, agent):
    SharedListsVersion.objects.all().delete()
    SharedListsVersion.objects.all().delete()  # the delete's trigger wrote a version again
    assert not SharedListsVersion.objects.exists()
    for _ in range(2):
        assert len(_read_lists(_statements(agent_client, LIST)[1])) == 2


def test_a_user_read_without_a_session_reads_the_lists_each_time(agent, django_assert_num_queries):
    user = User.objects.get(pk=agent.pk)  # no session read: no version
    for _ in range(2):
        with django_assert_num_queries(1):
            pickers.pickers_load(user=user, people=True, categories=False)


def test_each_language_keeps_its_own_lists(client, agent, other_agent, admin_user):
    """Category names are written in the reader's language when read: an agent reading Persian after one
    reading English, with nothing changed in between, gets the Persian names."""
    category_create(actor=admin_user, name="Network", name_fa="شبکه")
    User.objects.filter(pk=other_agent.pk).update(language="fa")
    fields = reverse("agent:ticket-bulk-fields")
    client.force_login(agent)
    persian = Client()
    persian.force_login(other_agent)  # signed in first: a sign-in writes the user's row (a new version)
    assert "Network" in client.get(fields).content.decode()
    page, _sql = _statements(persian, fields)
    assert "شبکه" in page
    assert "Network" not in page


def _tables(sql: str) -> set[str]:
    return set(re.findall(r'(?:FROM|JOIN) "(\w+)"', sql))


def _triggered_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'helpdesk_shared_lists'")
            return {name.strip('"') for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'helpdesk_shared_lists%'"
        )
        return {name for (name,) in cursor.fetchall()}


def test_every_table_a_kept_list_reads_changes_the_version(agent):
    """Each statement whose rows are kept (every choice of pickers, the saved views' tabs) reads only tables
    with the trigger: a list that starts reading another table fails here until that table gets one."""
    names = ["statuses", "categories", "root_causes", "people", "activities", "macros", "products"]
    read = set()
    for flags in itertools.product([False, True], repeat=len(names)):
        if any(flags):
            _db, sql, _params = pickers._statement(**dict(zip(names, flags, strict=True))).build(user_id=agent.pk)
            read |= _tables(sql)
    tabs = saved_views.saved_view_list_for(user=agent)
    read |= _tables(str(tabs.query))
    assert {"tickets_savedview", "helpdesk_team", "helpdesk_user_teams", "tickets_macro"} <= read
    assert read <= _triggered_tables()


def test_each_change_gives_a_new_version(agent, admin_user):
    versions = [SharedListsVersion.objects.get().value]
    CustomStatus.objects.create(name="Parts", base_status=Status.ON_HOLD)
    versions.append(SharedListsVersion.objects.get().value)
    Category.objects.create(name="Printers")
    versions.append(SharedListsVersion.objects.get().value)
    SavedView.objects.create(name="Mine", owner=agent, query={}, columns=[])
    versions.append(SharedListsVersion.objects.get().value)
    assert len(set(versions)) == 4


def test_a_ticket_with_a_retired_category_leaves_the_kept_pickers_as_they_were(agent_client, agent, admin_user, make):
    """The properties panel offers a ticket's own category and root cause even when they are retired: added
    to that panel's choices, never to the kept lists every later page reads."""
    retired = category_create(actor=admin_user, name="Retired category")
    cause = RootCause.objects.create(name="Retired cause")
    Category.objects.filter(pk=retired.pk).update(is_active=False)
    RootCause.objects.filter(pk=cause.pk).update(is_active=False)
    old = make(subject="Filed under what is retired", category=retired)
    Ticket.objects.filter(pk=old.pk).update(root_cause=cause)
    other = make(subject="Filed under nothing")
    side = "agent:ticket-side"
    agent_client.get(reverse(side, args=[other.pk]))  # the pickers read and kept
    first = agent_client.get(reverse(side, args=[old.pk])).content.decode()
    assert "Retired category" in first and "Retired cause" in first
    later = agent_client.get(reverse(side, args=[other.pk])).content.decode()
    assert "Retired category" not in later
    assert "Retired cause" not in later


def test_no_page_changes_what_is_kept_for_the_pages_after_it(agent_client, agent, admin_user, make):
    """Every agent page that reads kept lists, first over a plain ticket, then over one with a retired
    category, then all again: what the first round kept is unchanged after (a page that changed a kept
    list in place would show its change on every page after it)."""
    retired = category_create(actor=admin_user, name="Retired category")
    Category.objects.filter(pk=retired.pk).update(is_active=False)

    def pages(ticket) -> list[str]:
        ticket_urls = [reverse("agent:ticket", args=[ticket.pk]), reverse("agent:ticket-side", args=[ticket.pk])]
        return [LIST, f"{LIST}&team=1&assignee=me", reverse("agent:ticket-bulk-fields"), *ticket_urls]

    plain, odd = pages(make(subject="Plain")), pages(make(subject="Retired", category=retired))
    for url in plain:
        assert agent_client.get(url).status_code in (200, 400)
    first = copy.deepcopy(shared_lists._kept)
    assert len(first) >= 3  # the list's, the ticket page's and the panel's pickers, the saved views
    for url in [*odd, *plain, *odd]:
        assert agent_client.get(url).status_code in (200, 400)
    assert {key: shared_lists._kept.get(key) for key in first} == first
