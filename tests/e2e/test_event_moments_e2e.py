"""A moment inside an event's sentence ("SLA breached: … was due at <moment>") reads as the timestamp
beside the event does, in both languages: date then time, which in Persian (right to left) puts the date
on the right. It read time first in Persian: the moment has no letter, so its <bdi> laid it out left to
right. Screenshots under /tmp/momentshots."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from customers.models import BusinessCalendar, Contact, SlaPolicy, SlaTarget  # noqa: E402
from tests.e2e.conftest import sign_in  # noqa: E402
from tests.factories import make_ticket  # noqa: E402
from tickets.sla.escalation import sla_sweep  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/momentshots")

# For each SLA event: where the date part and the time part of its moments are drawn (the one in the
# sentence and the timestamp beside it), as [date's left, time's left].
PLACES = """() => [...document.querySelectorAll("li.tl-event.event-sla")].map((li) => {
  const place = (element) => {
    const text = element.firstChild;
    const at = (start, end) => {
      const range = document.createRange();
      range.setStart(text, start);
      range.setEnd(text, end);
      return range.getBoundingClientRect().left;
    };
    const length = text.textContent.length;  // "<date> <hh:mm>" in fa, "<Mon d, yyyy>, <hh:mm>" in en
    return [at(0, 4), at(length - 5, length)];
  };
  return {sentence: place(li.querySelector(".ev-due time") || li.querySelector(".ev-due")), column: place(li.querySelector(":scope > time"))};
})"""


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_moment_in_an_event_reads_as_the_timestamp_beside_it(browser, live_server, agent, customer, team, language):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar, is_default=True, warning_percent=75)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60, resolution_minutes=240)
    agent.language = language
    agent.save(update_fields=["language"])
    ticket = make_ticket(
        requester=Contact.objects.get(user=customer),
        actor=customer,
        team=team,
        now=timezone.now() - timedelta(minutes=90),
    )
    sla_sweep(now=ticket.created_at + timedelta(minutes=46))  # a warning "due … at <moment>"
    sla_sweep(now=ticket.created_at + timedelta(minutes=61))  # a breach "was due at <moment>"

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server.url, agent)
        page.goto(f"{live_server.url}/agent/tickets/{ticket.pk}/")
        page.wait_for_selector("li.event-sla")
        SHOTS.mkdir(exist_ok=True)
        page.locator("#timeline").screenshot(path=str(SHOTS / f"timeline-{language}-1280.png"))
        places = page.evaluate(PLACES)
        assert len(places) == 2, places
        for event in places:
            for where in ("sentence", "column"):
                date_left, time_left = event[where]
                if language == "fa":
                    assert date_left > time_left, (where, event)  # the date on the right, read first
                else:
                    assert date_left < time_left, (where, event)
    finally:
        page.goto("about:blank")
        context.close()
