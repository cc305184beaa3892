"""One reading of a page number for every list (helpdesk.paging), and the profile's two paged lists:
its API tokens (a script that signs in for a token on each run makes one each time) and its signed-in
sessions, each paged by its own parameter; nobody pages into another person's."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template import engines
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from helpdesk import services
from helpdesk.models import UserSession
from helpdesk.paging import MAX_PAGE, Page, page_number
from tests.factories import ContactFactory, make_ticket
from tickets.feedback import services as feedback_services
from tickets.problems import services as problem_services

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("raw", "number"),
    [("3", 3), ("۳", 3), (" 2 ", 2), (str(MAX_PAGE), MAX_PAGE)]
    + [(raw, 1) for raw in (None, "", "0", "-1", "x", "2.5", str(MAX_PAGE + 1), HUGE)],
)
def test_a_page_number_is_a_page_a_list_can_reach_else_the_first(raw, number):
    assert page_number(raw) == number


def _tokens(user, count: int) -> None:
    start = timezone.now() - timedelta(days=1)
    for n in range(count):
        services.api_token_create(user=user, name=f"script-{n:02d}", now=start + timedelta(minutes=n))


def _sessions(user, count: int, browser: str = "probe") -> None:
    start = timezone.now() - timedelta(hours=1)
    UserSession.objects.bulk_create(
        UserSession(user=user, session_key=f"{user.pk}-{n:03d}", user_agent=f"{browser}/{n}", last_seen_at=start)
        for n in range(count)
    )


def test_the_profile_pages_its_tokens_newest_first(client, agent, other_agent):
    _tokens(agent, 25)
    _tokens(other_agent, 3)
    client.force_login(agent)
    first = client.get("/profile/").content.decode()
    assert "script-24" in first and "script-05" in first and "script-04" not in first
    assert 'href="?tokens_page=2#api-tokens"' in first
    second = client.get("/profile/?tokens_page=2").content.decode()
    assert all(f"script-{n:02d}" in second for n in range(5)) and "script-05" not in second
    assert 'href="?tokens_page=1#api-tokens"' in second and "tokens_page=3" not in second
    for page in (first, second):  # the other agent's tokens on no page
        assert page.count("script-") == (20 if page is first else 5)


def test_each_list_keeps_the_others_page(client, agent, other_agent):
    _tokens(agent, 21)
    _sessions(agent, 25)
    _sessions(other_agent, 30, browser="theirs")  # another person's: on no page, nor counted in the pages
    client.force_login(agent)
    page = client.get("/profile/?tokens_page=2&sessions_page=2").content.decode()
    assert "script-00" in page and "script-01" not in page
    assert page.count('title="probe/') == 6  # 26 sessions with this browser's: the last 6
    assert 'href="?tokens_page=1&amp;sessions_page=2#api-tokens"' in page
    assert 'href="?tokens_page=2&amp;sessions_page=1#sessions"' in page
    assert "Sign out all other sessions" in page
    assert "theirs/" not in page
    first = client.get("/profile/").content.decode()
    assert first.count('title="probe/') == 19 and "This browser" in first and "theirs/" not in first
    assert "sessions_page=3" not in page  # 26 sessions of theirs would have made a third page


@pytest.mark.parametrize("raw", ["9", "x", HUGE])
def test_a_page_past_the_end_or_no_page_shows_the_first(client, agent, raw):
    _tokens(agent, 3)
    client.force_login(agent)
    response = client.get(f"/profile/?tokens_page={raw}&sessions_page={raw}")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("script-") == 3 and "You have no API tokens." not in page
    assert "This browser" in page


def test_the_profile_runs_the_same_queries_for_one_page_or_many(client, agent):
    client.force_login(agent)
    with CaptureQueriesContext(connection) as few:
        client.get("/profile/")
    _tokens(agent, 45)
    _sessions(agent, 45)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/profile/?tokens_page=2&sessions_page=3").status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize("raw", [HUGE, "-3", "۲"])
def test_agent_lists_read_a_page_number_no_database_integer_holds_as_the_first(client, agent, organization, raw):
    ticket = make_ticket(requester=ContactFactory(organization=organization), team=agent.teams.first())
    problem = problem_services.problem_create(actor=agent, title="Mail outage", tickets=[ticket])
    item = feedback_services.feedback_item_create(actor=agent, title="Dark mode", tickets=[ticket])
    client.force_login(agent)
    for url in (
        f"/agent/problems/{problem.pk}/",
        f"/agent/feedback/{item.pk}/",
        "/agent/referrals/",
        "/agent/notifications/",
    ):
        response = client.get(url, {"page": raw})
        assert response.status_code == 200, url
    assert ticket.subject in client.get(f"/agent/problems/{problem.pk}/", {"page": HUGE}).content.decode()


# What helpdesk/_pager.html was, as a template, before the pager was written in Python: the reference.
PAGER_TEMPLATE = (
    "{% load helpdesk %}{% if page.has_previous or page.has_next %}\n"
    '<nav class="pager" aria-label="{% translate \'Pages\' %}">\n'
    '  {% if page.has_previous %}<a class="button" rel="prev" href="{% page_href page.number|add:\'-1\' page_param '
    'page_anchor %}">{% translate "Previous" %}</a>{% endif %}\n'
    '  <span class="muted">{% blocktranslate with number=page.number|hd_number %}Page {{ number }}'
    "{% endblocktranslate %}</span>\n"
    '  {% if page.has_next %}<a class="button" rel="next" href="{% page_href page.number|add:\'1\' page_param '
    'page_anchor %}">{% translate "Next" %}</a>{% endif %}\n'
    "</nav>\n{% endif %}\n"
)


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("query", ["", "?view=open&page=3", "?q=%3Cb%3E+%26+%22x%22&tag=%D9%85%D9%87%D9%85&page=2"])
@pytest.mark.parametrize("where", [{}, {"page_param": "sessions_page", "page_anchor": "sessions"}])
def test_the_pager_writes_what_its_template_wrote(rf, language, query, where):
    """Both kinds of page (a Paginator's, helpdesk.paging's), alone, first, in the middle and last, in both
    languages, with the other query parameters kept and a list's own parameter and anchor."""
    request = rf.get(f"/agent/tickets/{query}")
    reference, ours = engines["django"].from_string(PAGER_TEMPLATE), get_template("helpdesk/_pager.html")
    paginator = Paginator(range(100), 10)
    pages = [Page([], 1, False), Page([], 1, True), Page([], 7, True), Page([], 12, False)]
    pages += [paginator.page(1), paginator.page(5), paginator.page(10), Paginator(range(3), 10).page(1), None]
    with translation.override(language):
        for page in pages:
            context = {"page": page, **where}
            assert ours.render(context, request) == reference.render(context, request)
