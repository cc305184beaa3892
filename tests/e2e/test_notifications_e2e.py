"""The notification centre's live parts in a real browser: the bell's count and the ticket page's
"this ticket changed" bar appear without a reload, under the Content-Security-Policy."""

import re
import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip("chromium is not installed", allow_module_level=True)

from customers.models import Contact  # noqa: E402
from tests.factories import make_ticket  # noqa: E402
from tickets import services  # noqa: E402
from tickets.alerts import services as alerts  # noqa: E402
from tickets.models import NotificationKind  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/agent-shots")


def test_the_bell_and_the_change_bar_update_without_a_reload(
    browser, live_server, agent, other_agent, customer, monkeypatch, tmp_path
):
    from tickets.alerts import views as alert_views
    from tickets.workspace import presence

    agent.full_name = "Maximilian Oppenheimer-Castellanos"  # a long name ends in an ellipsis
    agent.save(update_fields=["full_name"])
    monkeypatch.setattr(alert_views, "BADGE_POLL_SECONDS", 1)
    monkeypatch.setattr(presence, "HEARTBEAT_SECONDS", 1)
    ticket = make_ticket(requester=Contact.objects.get(user=customer), actor=customer, subject="Printer on fire")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", agent.email)
    page.fill("input[name=password]", "secret-pass-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/agent/$"))
    page.goto(f"{live_server.url}/agent/tickets/{ticket.pk}/")
    page.locator(".bell-count", has_text="1").wait_for()  # the team's new ticket
    assert page.locator(".topbar").bounding_box()["height"] < 70  # one row, whatever the agent is called
    assert not page.locator(".ticket-changed").is_visible()

    services.ticket_reply(ticket=ticket, actor=other_agent, internal=True, body=f"@{agent.email.split('@')[0]} look")
    page.locator(".bell-count", has_text="2").wait_for()  # the mention, without a reload
    page.locator(".ticket-changed").wait_for()  # someone else changed the ticket
    page.screenshot(path=str(tmp_path / "changed.png"))
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "changed.png", SHOTS / "e2e-ticket-changed.png")
    page.locator(".ticket-changed a", has_text="Reload").click()
    page.wait_for_load_state("load")
    assert "@agent look" in page.content() and not page.locator(".ticket-changed").is_visible()

    alerts.notification_mark_all_read(user=agent)
    page.locator(".bell-count").wait_for(state="detached")
    assert NotificationKind.MENTION in {n.kind for n in agent.alerts.all()}
    page.goto("about:blank")
    context.close()
