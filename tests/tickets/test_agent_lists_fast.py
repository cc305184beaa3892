"""The agent lists' fast paths: the tab counts read by a statement compiled once per process (lists._tab_counts;
each agent gets their own counts, the clock moves "solved recently", what the services change shows), the
list's pickers in one query, and the home rows written in Python as the template writes them."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk.templatetags.helpdesk import forget_kept
from tickets import selectors, services
from tickets.models import Status, Ticket
from tickets.workspace import lists

pytestmark = pytest.mark.django_db


def _tabs(user) -> dict[str, str]:
    return {tab.key: tab.count for tab in lists.view_tabs(user=user, active="open")}


def _orm_counts(user) -> dict[str, str]:
    """The counts as the ORM reads them for this user, one query a view (what the tabs must say)."""
    base = selectors.ticket_base_for(user=user)
    return {v.key: str(lists.apply_view(base, view=v.key, user=user).count()) for v in lists.VIEWS}


def test_each_agent_gets_their_own_counts(agent, other_agent, other_team, make):
    mine = make(subject="Mine")
    services.ticket_update(ticket=mine, actor=agent, changes={"assignee": agent})
    make(subject="First line's, nobody's")
    theirs = make(subject="Billing's", team=other_team)
    services.ticket_update(ticket=theirs, actor=other_agent, changes={"assignee": other_agent})
    make(subject="Billing's, nobody's", team=other_team)
    make(subject="Billing's, nobody's too", team=other_team)
    lists.view_tabs(user=other_agent, active="open")  # the statement is built for whoever comes first
    assert _tabs(agent) == _orm_counts(agent)
    assert _tabs(other_agent) == _orm_counts(other_agent)
    assert (_tabs(agent)["mine"], _tabs(agent)["unassigned"]) == ("1", "1")
    assert (_tabs(other_agent)["mine"], _tabs(other_agent)["unassigned"]) == ("1", "2")


def test_the_counts_follow_what_the_services_change(agent_client, agent, other_team, make):
    ticket = make(subject="Moves around")
    assert _tabs(agent)["unassigned"] == "1"
    services.ticket_update(ticket=ticket, actor=agent, changes={"assignee": agent})
    tabs = {tab.key: tab.count for tab in agent_client.get(reverse("agent:ticket-tab-counts")).context["tabs"]}
    assert (tabs["mine"], tabs["unassigned"]) == ("1", "0")
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    tabs = {tab.key: tab.count for tab in agent_client.get(reverse("agent:ticket-tab-counts")).context["tabs"]}
    assert (tabs["mine"], tabs["open"], tabs["solved"]) == ("0", "0", "1")
    other = make(subject="Billing's", team=other_team)
    assert _tabs(agent)["unassigned"] == "0"
    agent.teams.add(other_team)  # joining a team shows its queue at once
    assert _tabs(agent)["unassigned"] == "1"
    services.ticket_update(ticket=other, actor=agent, changes={"team": None})
    assert _tabs(agent)["unassigned"] == "0"


def test_solved_recently_moves_with_the_clock(agent, make):
    ticket = make(subject="Done")
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    solved_at = Ticket.objects.get(pk=ticket.pk).solved_at
    assert _tabs(agent)["solved"] == "1"
    later = solved_at + lists.SOLVED_RECENTLY + timedelta(minutes=1)
    with mock.patch.object(timezone, "now", return_value=later):
        assert _tabs(agent)["solved"] == "0"
        assert _orm_counts(agent)["solved"] == "0"
    with mock.patch.object(timezone, "now", return_value=later - timedelta(minutes=2)):
        assert _tabs(agent)["solved"] == "1"


def test_an_admin_counts_as_an_agent(admin_user, agent, make):
    ticket = make(subject="The admin's")
    services.ticket_update(ticket=ticket, actor=agent, changes={"assignee": admin_user})
    assert _tabs(admin_user) == _orm_counts(admin_user)
    assert _tabs(admin_user)["mine"] == "1" and _tabs(agent)["mine"] == "0"


# --- the list's pickers: agents and teams in the pickers' one query ---------------------------------


def test_the_list_reads_agents_and_teams_as_their_own_queries_did(agent, other_agent, team, other_team):
    from helpdesk.models import Team
    from tests.factories import TeamFactory, UserFactory
    from tickets.workspace.forms import picker_agents, picker_teams
    from tickets.workspace.pickers import pickers_load

    UserFactory(role="agent", email="zed@test.example", full_name="")  # sorted by the email
    UserFactory(role="agent", email="gone@test.example", full_name="Aaron Gone", is_active=False)
    UserFactory(role="customer", email="cust@test.example", full_name="A Customer")
    closed = TeamFactory(name="Archive", slug="archive", is_active=False)
    agent.teams.add(closed)  # still the agent's own team (the "save this view" form offers it)
    TeamFactory(name="Aardvarks", slug="aardvarks", is_active=False)  # nobody's, inactive: in neither
    pickers = pickers_load(user=agent, people=True)
    assert [(a.pk, a.get_full_name()) for a in pickers.agents] == [
        (a.pk, a.get_full_name()) for a in picker_agents(agent)
    ]
    assert [(t.pk, t.display_name) for t in pickers.teams] == [(t.pk, t.display_name) for t in picker_teams(agent)]
    assert [t.pk for t in pickers.my_teams] == [t.pk for t in agent.teams.order_by("name")] == [closed.pk, team.pk]
    assert other_team.pk in [t.pk for t in pickers.teams] and closed.pk not in [t.pk for t in pickers.teams]
    assert Team.objects.filter(is_active=False).count() == 2


def test_the_list_shows_agents_and_teams_made_through_the_services(agent_client):
    from helpdesk import services as core_services
    from helpdesk.models import Role

    page = agent_client.get(reverse("agent:tickets")).content.decode()
    assert "Newcomer Nadia" not in page and "Escalations" not in page
    core_services.user_create(email="nadia@test.example", password=None, full_name="Newcomer Nadia", role=Role.AGENT)
    core_services.team_create(name="Escalations")
    page = agent_client.get(reverse("agent:tickets")).content.decode()
    assert page.count("Newcomer Nadia") == 1  # the assignee filter
    assert page.count(">Escalations<") == 1  # the team filter
    bar = agent_client.get(reverse("agent:ticket-bulk-fields")).content.decode()
    assert bar.count("Newcomer Nadia") == 1 and bar.count(">Escalations<") == 1  # "assign to", "move to team"


# --- the bulk bar's fields: loaded on the first selection ---------------------------------------


def test_the_list_builds_no_bulk_pickers_and_the_bar_loads_them(agent_client, make, django_assert_max_num_queries):
    from helpdesk import services as core_services
    from helpdesk.models import Role
    from tickets.models import Category
    from tickets.workspace import views

    make(subject="One")
    with mock.patch.object(views, "BulkActionForm", side_effect=AssertionError("built")):
        page = agent_client.get(reverse("agent:tickets")).content.decode()
    assert 'data-bulk-fields hx-get="/agent/tickets/bulk/fields/"' in page and 'name="action"' not in page
    for round_ in range(2):  # the same queries whatever the number of agents, teams and categories
        with django_assert_max_num_queries(6):
            bar = agent_client.get(reverse("agent:ticket-bulk-fields"))
        for i in range(3):
            core_services.user_create(email=f"a{round_}{i}@test.example", password=None, role=Role.AGENT)
            core_services.team_create(name=f"Team {round_}{i}")
            Category.objects.create(name=f"Category {round_}{i}")
    bar = bar.content.decode()
    assert bar.count('name="action"') == 1 and 'data-bulk-for="assign"' in bar and "Apply to selected" in bar
    assert "Team 02" in bar and "Category 02" in bar


def test_the_list_reads_no_categories_it_has_no_filter_for(agent_client, make, django_assert_max_num_queries):
    """The list filters by custom status, team and assignee, never by category: its pickers' statement
    leaves the categories out (the bulk bar reads them when it loads), however many there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets.models import Category

    make(subject="One")
    for i in range(5):
        Category.objects.create(name=f"Category {i}")
    agent_client.get(reverse("agent:tickets"))  # the statements compiled once per process
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as read:
        page = agent_client.get(reverse("agent:tickets")).content.decode()
    assert "One" in page and "Category 4" not in page
    assert not [query["sql"] for query in read.captured_queries if Category._meta.db_table in query["sql"]]
    assert "Category 4" in agent_client.get(reverse("agent:ticket-bulk-fields")).content.decode()


def test_without_javascript_the_list_links_to_itself_with_the_bulk_fields_and_they_apply(agent_client, make):
    one, two = make(subject="One"), make(subject="Two")
    page = agent_client.get(reverse("agent:tickets"), {"view": "open", "sort": "due"}).content.decode()
    assert '<noscript><a href="/agent/tickets/?view=open&amp;sort=due&amp;bulk=1">Change several tickets</a>' in page
    assert '<noscript><a href="/agent/tickets/?bulk=1">' in agent_client.get(reverse("agent:tickets")).content.decode()
    page = agent_client.get(reverse("agent:tickets"), {"view": "open", "bulk": "1"}).content.decode()
    assert page.count('name="action"') == 1 and "Apply to selected" in page and "data-bulk-fields hx-get" not in page
    assert "were not understood" not in page  # bulk is not a filter
    response = agent_client.post(
        reverse("agent:ticket-bulk"),
        {"tickets": [one.pk, two.pk], "action": "priority", "priority": "high", "next": "/agent/tickets/?bulk=1"},
    )
    assert response.status_code == 302 and response["Location"] == "/agent/tickets/?bulk=1"
    assert set(Ticket.objects.filter(pk__in=[one.pk, two.pk]).values_list("priority", flat=True)) == {"high"}


def test_the_bulk_bar_is_for_agents_only(client, customer):
    url = reverse("agent:ticket-bulk-fields")
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(customer)
    assert client.get(url).status_code == 404


# --- the home rows: written in Python, as tickets/agent/_ticket_table.html writes them ----------


@pytest.mark.parametrize("language", ["en", "fa"])
def test_home_rows_are_what_the_template_writes(agent, make, language):
    from django.template.loader import render_to_string
    from django.utils import translation

    from tickets.models import SlaState
    from tickets.workspace.rows import ticket_cards_html

    now = timezone.now()
    plain = make(subject='Quotes " and <tags> & ampersands', priority="urgent")
    Ticket.objects.filter(pk=plain.pk).update(resolution_due_at=now + timedelta(hours=2), sla_state=SlaState.WARNING)
    late = make(subject="Late", priority="normal")
    Ticket.objects.filter(pk=late.pk).update(
        first_response_due_at=None, resolution_due_at=now - timedelta(days=2, hours=3)
    )
    breached = make(subject="Breached, no clock", priority="low")
    Ticket.objects.filter(pk=breached.pk).update(
        first_response_due_at=None, resolution_due_at=None, sla_state=SlaState.BREACHED
    )
    services.ticket_change_status(ticket=make(subject="Solved"), actor=agent, status=Status.SOLVED)
    with translation.override(language):
        rows = lists.list_rows(list(Ticket.objects.order_by("pk")), now=now)
        assert {bool(row.sla) for row in rows} == {True, False}
        for shown in (rows, []):
            expected = render_to_string(
                "tickets/agent/_ticket_table.html", {"rows": shown, "empty_text": "Nothing's here <yet>"}
            )
            assert ticket_cards_html(shown, empty_text="Nothing's here <yet>") == expected


def test_the_tab_counts_come_after_the_page_in_one_query(
    agent_client, agent, other_agent, other_team, make, django_assert_num_queries
):
    from tickets.workspace import views

    mine = make(subject="Mine")
    services.ticket_update(ticket=mine, actor=agent, changes={"assignee": agent})
    make(subject="Billing's", team=other_team)
    services.ticket_change_status(ticket=make(subject="Done"), actor=agent, status=Status.SOLVED)
    with mock.patch.object(views.workspace, "tab_counts", side_effect=AssertionError("counted")):
        page = agent_client.get(reverse("agent:tickets"))
    assert all(f'<span class="count" id="tab-count-{v.key}"></span>' in page.content.decode() for v in lists.VIEWS)
    assert 'hx-get="/agent/tickets/counts/" hx-trigger="load" hx-swap="none"' in page.content.decode()
    assert '<span class="count" id="tab-count-mine"></span>' in page.content.decode()
    with django_assert_num_queries(2):  # the session with its user (one statement), the seven capped counts in one
        counts = agent_client.get(reverse("agent:ticket-tab-counts"))
    body = counts.content.decode()
    assert '<span class="count" id="tab-count-mine" hx-swap-oob="true">1</span>' in body
    assert '<span class="count" id="tab-count-solved" hx-swap-oob="true">1</span>' in body
    assert {tab.key: tab.count for tab in counts.context["tabs"]} == _orm_counts(agent)
    agent_client.force_login(other_agent)
    other = {tab.key: tab.count for tab in agent_client.get(reverse("agent:ticket-tab-counts")).context["tabs"]}
    assert other == _orm_counts(other_agent) and other["mine"] == "0"


def test_the_tab_counts_are_for_agents_only(client, customer):
    url = reverse("agent:ticket-tab-counts")
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(customer)
    assert client.get(url).status_code == 404


# --- the filter panel: its HTML kept per language, choices and values ----------------------------


def test_the_filter_panel_is_rendered_once_for_what_it_shows(agent_client, agent):
    from helpdesk import services as core_services
    from helpdesk.models import Role
    from tickets.workspace.forms import TicketFilterForm

    forget_kept()
    rendered = []
    real_iter = TicketFilterForm.__iter__

    def counting_iter(form):
        rendered.append(form.data.get("priority"))
        return real_iter(form)

    def panel(**params) -> str:
        page = agent_client.get(reverse("agent:tickets"), params).content.decode()
        start = page.index('<div class="filter-grid">')
        return page[start : page.index("</details>", start)]

    with mock.patch.object(TicketFilterForm, "__iter__", counting_iter):
        high = panel(view="open", priority="high")
        assert '<option value="high" selected>' in high and '<option value="low" selected>' not in high
        assert panel(view="open", priority="high", q="invoice") == high  # the search words are not in the panel
        assert panel(view="mine", priority="high", sort="due") == high.replace(
            '<option value="updated" selected>', '<option value="updated">'
        ).replace('<option value="due">', '<option value="due" selected>')
        assert rendered == ["high", "high"]  # the second request took the kept panel; the third sorts otherwise
        low = panel(view="open", priority="low")
        assert '<option value="low" selected>' in low and '<option value="high" selected>' not in low
        refused = agent_client.get(reverse("agent:tickets"), {"priority": "urgentest"})
        assert refused.status_code == 400 and 'name="priority" aria-invalid="true"' in refused.content.decode()
        assert 'aria-invalid="true"' not in panel(view="open", priority="high")
        # what the services add is in the next panel: an agent, a team
        core_services.user_create(email="nadia@test.example", password=None, full_name="Nadia Panel", role=Role.AGENT)
        core_services.team_create(name="Panel Team")
        fresh = panel(view="open", priority="high")
        assert "Nadia Panel" in fresh and ">Panel Team<" in fresh and "Nadia Panel" not in high
        agent.language = "fa"
        agent.save(update_fields=["language"])
        persian = panel(view="open", priority="high")
    assert "اولویت" in persian and "Nadia Panel" in persian and ">Priority<" not in persian
    assert rendered == ["high", "high", "low", "urgentest", "high", "high"]  # the unrefused panel was kept


def test_the_rows_names_are_one_statement_for_every_page_prepared_on_postgresql(agent, other_agent, make):
    """selectors.ticket_rows reads every page's requesters, organizations, teams, assignees, products,
    custom statuses and tags in one query; on PostgreSQL the same prepared statement for every page (each
    kind's ids one array), with what the ORM reads, a kind with no ids included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tagged = make(subject="Tagged and assigned")
    services.ticket_update(ticket=tagged, actor=agent, changes={"assignee": other_agent}, tags=["vip", "billing"])
    bare = make(subject="Nobody's, no tags")
    Ticket.objects.filter(pk=bare.pk).update(team=None)  # a page whose rows name no team at all
    for_agents, sqls = {}, []
    for ids in ([tagged.pk], [bare.pk], [tagged.pk, bare.pk]):
        values = list(Ticket.objects.filter(pk__in=ids).order_by("pk").values(*selectors.LIST_FIELDS))
        with CaptureQueriesContext(connection) as queries:
            for row in selectors.ticket_rows(values, with_internal=True):
                for_agents[row.pk] = (
                    row.requester.name,
                    row.team and row.team.name,
                    row.assignee and row.assignee.name,
                )
                for_agents[row.pk] += (row.tag_names,)
        assert len(queries) == 1
        sqls.append(queries[0]["sql"].split("(")[0])
    if connection.vendor == "postgresql":
        assert sqls[0].startswith("EXECUTE helpdesk_") and len(set(sqls)) == 1  # one statement, prepared
    orm = {
        t.pk: t
        for t in Ticket.objects.select_related("requester", "team", "assignee").filter(pk__in=[tagged.pk, bare.pk])
    }
    assert for_agents == {
        pk: (
            t.requester.full_name,
            t.team and t.team.name,
            t.assignee and t.assignee.full_name,
            sorted(t.tags.values_list("name", flat=True)),
        )
        for pk, t in orm.items()
    }
    assert for_agents[bare.pk][1:] == (None, None, [])
    (for_customer,) = selectors.ticket_rows(
        Ticket.objects.filter(pk=tagged.pk).values(*selectors.LIST_FIELDS), with_internal=False
    )
    assert for_customer.assignee is None and for_customer.tag_names == []  # never read for customers
    assert for_customer.requester.name == tagged.requester.full_name


def test_the_filters_read_from_the_database_accept_only_what_they_offer(agent_client, agent, other_agent, team, make):
    """The team, assignee and custom status choices are checked only when a value comes (they are
    callables on the form): an offered value filters, any other is refused with a 400."""
    from tickets.models import CustomStatus

    agent.teams.add(team)
    mine = make(subject="Mine to filter")
    services.ticket_update(ticket=mine, actor=agent, changes={"assignee": agent})
    make(subject="Nobody's to filter")
    custom = CustomStatus.objects.create(name="Waiting on vendor", base_status=Status.OPEN)

    def rows(**params):
        response = agent_client.get(reverse("agent:tickets"), {"view": "open", **params})
        return response.status_code, response.content.decode()

    status, page = rows(assignee=str(agent.pk))
    assert status == 200 and "Mine to filter" in page and "Nobody&#x27;s to filter" not in page
    status, page = rows(assignee="none")
    assert status == 200 and "Nobody&#x27;s to filter" in page and "Mine to filter" not in page
    assert rows(team=str(team.pk))[0] == 200 and rows(custom_status=str(custom.pk))[0] == 200
    for refused in ({"assignee": "999999"}, {"assignee": "somebody"}, {"team": "999999"}, {"custom_status": "999"}):
        status, page = rows(**refused)
        name = next(iter(refused))
        assert status == 400 and f'name="{name}" aria-invalid="true"' in page, refused


def test_the_save_view_fields_are_kept_per_language_columns_and_teams(agent_client, agent, team, other_team):
    """The "save this view" fields of a list are a fragment kept per process under what they show: the
    columns checked, the agent's teams by name, and the language."""
    from tickets.workspace.saved_views import saved_view_create

    forget_kept()
    agent.teams.add(team)

    def fields(**params) -> str:
        page = agent_client.get(reverse("agent:tickets"), params).content.decode()
        start = page.index('<div class="save-view-grid">')
        return page[start : page.index("</fieldset>", start)]

    first = fields(view="open")
    assert ">Team First line<" in first and "Billing" not in first
    assert 'value="tags">' in first and 'value="team" checked>' in first  # the default columns
    assert fields(view="mine", priority="high") == first  # another list, the same fields
    agent.teams.add(other_team)
    both = fields(view="open")
    assert ">Team First line<" in both and ">Team Billing<" in both
    team.name = "Front desk"
    team.save(update_fields=["name"])
    renamed = fields(view="open")
    assert ">Team Front desk<" in renamed and "First line" not in renamed
    tags_only = saved_view_create(actor=agent, name="Tagged", query={"view": "open"}, columns=["subject", "tags"])
    other_columns = fields(view=str(tags_only.pk))
    assert 'value="tags" checked>' in other_columns and 'value="team" checked>' not in other_columns
    agent.language = "fa"
    agent.save(update_fields=["language"])
    persian = fields(view="open")
    assert ">Team Front desk<" not in persian and "Front desk" in persian and "Columns" not in persian


# --- the first pages of an unfiltered view: statements compiled once per view, sort and page ---------


def test_the_compiled_view_pages_are_what_the_orm_reads_for_every_agent(agent, other_agent, team, other_team, make):
    """lists.queue_page reads the first pages of an unfiltered view through statements compiled once
    (selectors.visible_fetch): each agent gets the rows the ORM's queryset gives them, whoever
    read first, in every view, sort and page; a filtered list goes through the ORM as before."""
    from datetime import timedelta

    other_agent.teams.add(other_team)
    now = timezone.now()
    statuses = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED, Status.CLOSED)
    for i in range(130):
        ticket = make(subject=f"T{i}", team=(team, other_team)[i % 2])
        Ticket.objects.filter(pk=ticket.pk).update(
            status=statuses[i % 6],
            assignee=(agent, other_agent, None)[i % 3],
            priority=("low", "normal", "high", "urgent")[i % 4],
            updated_at=now - timedelta(minutes=i * 7 % 60),
            solved_at=now - timedelta(days=i % 10) if statuses[i % 6] == Status.SOLVED else None,
            resolution_due_at=now + timedelta(hours=i % 13) if i % 5 else None,
        )
    lists_fetched = []
    for user in (agent, other_agent, agent):
        for view in lists.VIEW_KEYS:
            for sort in lists.SORTS:
                for number in (1, 2, 3, 4):
                    orm = lists.paginate(
                        lists.queue_for(user=user, view=view, filters={}, sort=sort).values(*selectors.LIST_FIELDS),
                        page=number,
                    )
                    got = lists.queue_page(user=user, view=view, filters={}, sort=sort, page=number)
                    assert (got.rows, got.has_next) == (orm.rows, orm.has_next), (user.email, view, sort, number)
                    lists_fetched.append(len(got.rows))
    assert max(lists_fetched) == lists.PAGE_SIZE and 0 in lists_fetched  # full pages and empty ones
    mine = lists.queue_page(user=agent, view="mine", filters={"priority": "high"}, sort="updated", page=1)
    assert mine.rows and {r["priority"] for r in mine.rows} == {"high"}
    assert {r["assignee_id"] for r in mine.rows} == {agent.pk}


def test_the_tabs_and_the_sorting_headers_keep_the_query_and_mark_where_the_agent_is(
    agent_client, agent, other_agent, team, make
):
    """The tabs and the header cells are written in Python (tickets.workspace.rows): each link keeps the
    list's other parameters (not its page), the current tab and sort are marked, and every name is
    escaped; a view shared with a team says which, in the agent's language."""
    from tickets.models import SavedView

    SavedView.objects.create(owner=agent, name="Mine <first>", query={}, columns=[], position=0)
    other_agent.teams.add(team)
    SavedView.objects.create(owner=other_agent, name="Q&A", query={}, columns=[], shared_with_team=team, position=0)
    body = agent_client.get("/agent/tickets/?view=open&sort=priority&page=2&q=x%26y").content.decode()
    assert '<a href="?view=mine&amp;sort=priority&amp;q=x%26y" >' in body  # the page goes, the rest stays
    assert '<a href="?view=open&amp;sort=priority&amp;q=x%26y" aria-current="page">' in body
    assert 'class="saved-tab saved-first" >Mine &lt;first&gt;</a>' in body
    shared = '>Q&amp;A <span class="shared-mark" title="Shared with First line">First line</span></a>'
    assert shared in body
    make(subject="A row, so the table and its header show")
    body = agent_client.get("/agent/tickets/?view=open&sort=priority&x=1&page=1").content.decode()
    assert '<a href="?view=open&amp;sort=priority&amp;x=1" aria-current="true">' in body  # priority
    assert '<a href="?view=open&amp;sort=due&amp;x=1" >' in body
    assert '<th scope="col">#</th>' in body
    agent_client.cookies["django_language"] = "fa"
    agent.language = "fa"
    agent.save(update_fields=["language"])
    persian = agent_client.get("/agent/tickets/?view=open").content.decode()
    assert 'title="اشتراک‌گذاشته با First line"' in persian
