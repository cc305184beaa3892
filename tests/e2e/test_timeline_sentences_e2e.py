"""The ticket page's timeline in a real browser, in Persian on a phone: an event's sentence is one run
of text, so its punctuation stays against its words and isolated parts ("(تلفن)", not "( تلفن )"),
and a sales opportunity's state reads in Persian whoever changed it."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.e2e.conftest import CHROMIUM, FACTORY_PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]

# The pixels between the "(" before an isolated part (<bdi>) and the part itself, in each event.
GAPS = """() => [...document.querySelectorAll("li.tl-event")].flatMap(li => {
  const out = [];
  for (const part of li.querySelectorAll("bdi")) {
    const before = part.previousSibling;
    if (!before || before.nodeType !== Node.TEXT_NODE || !before.textContent.endsWith("(")) continue;
    const range = document.createRange();
    range.setStart(before, before.textContent.length - 1);
    range.setEnd(before, before.textContent.length);
    const paren = range.getBoundingClientRect(), box = part.getBoundingClientRect();
    out.push([li.textContent.trim().slice(0, 40), Math.round(paren.left - box.right), Math.round(paren.top - box.top)]);
  }
  return out;
})"""


@pytest.mark.parametrize("width", [390, 1366])
def test_an_events_parentheses_stay_against_what_they_hold_in_persian(browser, live_server, transactional_db, width):
    from tests import factories
    from tests.factories import make_ticket
    from tickets.models import Channel, Opportunity
    from tickets.opportunities import services as opportunity_services

    team = factories.TeamFactory()
    agent = factories.UserFactory(role="agent", email="reza@help.test", full_name="Reza Ahmadi", language="fa")
    agent.teams.add(team)
    contact = factories.ContactFactory(email="sara@parsian.test")
    ticket = make_ticket(requester=contact, actor=agent, subject="خطای چاپ", channel=Channel.PHONE, team=team)
    with translation.override("en"):
        opportunity = opportunity_services.opportunity_create(ticket=ticket, actor=agent)
        opportunity_services.opportunity_update(
            opportunity=opportunity, actor=agent, changes={"state": Opportunity.State.LOST}
        )

    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "fa", "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", agent.email)
    page.fill("#id_password", FACTORY_PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r".*/agent/$"))
    page.goto(f"{live_server.url}/agent/tickets/{ticket.pk}/")
    page.wait_for_load_state("networkidle")

    gaps = page.evaluate(GAPS)
    assert gaps, "no event with a part in parentheses"  # the ticket's "created (phone)" at least
    for text, gap, rise in gaps:
        assert 0 <= gap <= 2 and abs(rise) <= 3, (text, gap, rise)  # in RTL "(" sits just right of its part
    timeline = page.locator("#timeline").inner_text()
    assert "ناموفق" in timeline and "Lost" not in timeline
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
