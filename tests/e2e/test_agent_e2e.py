"""The agent workspace in a real browser: search, reply with a file, note, refer, status, merge, call."""

import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from customers.models import Contact  # noqa: E402
from customers.services import contact_create  # noqa: E402
from tests.e2e.conftest import sign_in  # noqa: E402
from tests.factories import make_ticket  # noqa: E402
from tickets.models import ActivityType, EventKind, Macro, Referral, Status, Ticket  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/agent-shots")


@pytest.fixture
def page(browser, live_server):
    # Depends on live_server so the browser (and its presence polling) closes before the server stops.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())  # the one confirmation of merges and bulk changes
    yield page
    page.goto("about:blank")  # stop the presence heartbeat before the server goes away
    context.close()


def _shoot(page, tmp_path, name):
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / f"e2e-{name}.png")


def test_agent_works_a_ticket_from_search_to_merge_and_logs_a_call(
    page, live_server, agent, other_team, customer, tmp_path
):
    requester = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=requester, subject="Printer on fire in the west wing", body="Smoke everywhere.")
    duplicate = make_ticket(requester=requester, subject="Printer still burning", body="Same printer.")
    caller = contact_create(email="caller@acme.test", full_name="Cyrus Caller", phone="+98 912 123 4567")
    base = live_server.url

    sign_in(page, base, agent)
    _shoot(page, tmp_path, "home-en")

    # Find the ticket through search.
    page.goto(f"{base}/agent/tickets/")
    assert page.locator("details.filter-more").evaluate("d => d.open")  # a wide screen shows the filters
    page.fill("input[name=q]", "west wing")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=west"))
    assert page.locator("text=Printer still burning").count() == 0
    _shoot(page, tmp_path, "list-en")
    page.click("text=Printer on fire in the west wing")
    page.wait_for_url(re.compile(rf"/agent/tickets/{ticket.pk}/$"))

    # The shortcuts dialog.
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")

    # Reply with an attachment.
    page.keyboard.press("r")
    page.keyboard.type("We are sending a technician.")
    page.set_input_files(
        "input[name=attachments]", files=[{"name": "floorplan.txt", "mimeType": "text/plain", "buffer": b"west wing"}]
    )
    page.click("#composer button[type=submit]")
    page.wait_for_selector("text=Reply sent.")
    assert page.locator("text=floorplan.txt").count() == 1

    # An internal note through the "n" shortcut.
    page.keyboard.press("n")
    page.keyboard.type("Facilities are on it.")
    assert page.locator("#composer.is-note").count() == 1
    page.click("#composer button[type=submit]")
    page.wait_for_selector("text=Internal note added.")
    assert page.locator(".ag-msg-note", has_text="Facilities are on it.").count() == 1

    # Refer to another team.
    page.select_option("select[name=to_team]", str(other_team.pk))
    page.fill("textarea[name=note]", "Can billing credit the customer?")
    page.click('form[action$="/refer/"] button[type=submit]')  # the refer form's own button
    page.wait_for_selector("text=Referred to Billing.")
    assert Referral.objects.filter(ticket=ticket, to_team=other_team).exists()

    # Change the status from the sidebar (htmx), and the timeline follows.
    page.select_option("#properties select[name=status]", Status.ON_HOLD)
    page.click("#properties button[type=submit]")
    page.wait_for_selector("#properties .saved")
    page.wait_for_selector("#timeline .ev-new:has-text('On hold')")
    _shoot(page, tmp_path, "ticket-en")

    # Merge the duplicate into this ticket.
    page.goto(f"{base}/agent/tickets/{duplicate.pk}/")
    page.select_option(".link-form select[name=action]", "merge")
    page.fill(".link-form input[name=number]", str(ticket.pk))
    page.click(".link-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/agent/tickets/{ticket.pk}/$"))
    assert Ticket.objects.get(pk=duplicate.pk).merged_into_id == ticket.pk

    # Log a call from a number typed in Persian digits.
    page.goto(f"{base}/agent/calls/new/")
    page.fill("input[name=caller]", "۰۹۱۲ ۱۲۳ ۴۵۶۷")
    page.press("input[name=caller]", "Enter")
    page.wait_for_selector("text=Cyrus Caller")
    page.fill("input[name=duration]", "4")
    page.fill("textarea[name=notes]", "Asked for a quote.")
    page.fill("input[name=subject]", "Quote by phone")
    page.click("button:has-text('Log call')")
    page.wait_for_selector("text=Call logged on ticket")
    logged = Ticket.objects.get(subject="Quote by phone")
    assert logged.requester == caller and logged.events.filter(kind=EventKind.CALL_LOGGED).exists()

    # The same pages in Persian, right to left.
    page.click(".usermenu-toggle")  # the language is in the person's menu
    page.click("button[name=language][value=fa]")
    page.wait_for_selector("html[dir=rtl]")
    for name, path in [
        ("home", "/agent/"),
        ("list", "/agent/tickets/?view=all"),
        ("ticket", f"/agent/tickets/{ticket.pk}/"),
    ]:
        page.goto(base + path)
        assert page.locator("html[dir=rtl]").count() == 1
        _shoot(page, tmp_path, f"{name}-fa")
    assert len(list(tmp_path.glob("*.png"))) == 6


def test_agent_applies_a_macro_and_uses_saved_view_tabs_in_english_and_persian(
    page, live_server, agent, team, customer, tmp_path
):
    from tickets.workspace import macros, saved_views

    requester = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=requester, subject="Cannot log in", body="My password stopped working.", team=team)
    reset = macros.macro_create(
        actor=agent,
        name="Password reset",
        body="Hello {{customer.first_name}}, we reset the password for ticket {{ticket.number}}.",
        status=Status.PENDING,
        priority="high",
        add_tags=["password"],
        shared_with_team=team,
    )
    # a macro saved before its text was checked keeps template syntax, which applying leaves as written
    Macro.objects.filter(pk=reset.pk).update(body=reset.body + " {% now 'Y' %}")
    macros.macro_create(actor=agent, name="Escalate", body="Needs second line.", internal=True)
    saved_views.saved_view_create(
        actor=agent,
        name="Urgent in first line",
        query={"view": "open", "priority": "high", "sort": "due"},
        columns=["number", "subject", "requester", "organization", "priority", "sla", "tags"],
        shared_with_team=team,
    )
    saved_views.saved_view_create(actor=agent, name="Just mine", query={"view": "mine"}, columns=[])
    base = live_server.url
    SHOTS.mkdir(exist_ok=True)

    sign_in(page, base, agent)
    page.goto(f"{base}/agent/tickets/{ticket.pk}/")

    # Choosing a macro previews it in the composer, where it can still be edited.
    page.select_option("#macro-select", label="Password reset")
    page.wait_for_selector("[data-macro-preview]")
    body = page.locator("textarea[data-composer-body]")
    first_name = requester.full_name.split()[0]
    assert body.input_value().startswith(f"Hello {first_name}, we reset the password for ticket {ticket.pk}.")
    assert "{% now 'Y' %}" in body.input_value()  # template syntax stays literal
    assert page.locator("#composer select[name=status]").input_value() == Status.PENDING
    page.screenshot(path=str(SHOTS / "macros-picker-en.png"), full_page=False)

    # One click applies the whole macro: the reply shows in the timeline, the fields change.
    page.click("button:has-text('Apply macro now')")
    page.wait_for_selector("text=Macro “Password reset” applied.")
    assert page.locator(".ag-msg-agent", has_text=f"we reset the password for ticket {ticket.pk}").count() == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING and ticket.priority == "high"
    assert [t.name for t in ticket.tags.all()] == ["password"]

    # The saved views are tabs of the list, showing the columns they were saved with.
    page.goto(f"{base}/agent/tickets/")
    page.click("nav.tabs >> text=Urgent in first line")
    page.wait_for_selector("nav.tabs a[aria-current=page]:has-text('Urgent in first line')")
    assert page.locator("text=Cannot log in").count() == 1
    page.click("summary:has-text('Save this view')")
    page.screenshot(path=str(SHOTS / "macros-views-en.png"), full_page=False)

    # The same in Persian, right to left.
    page.click(".usermenu-toggle")  # the language is in the person's menu
    page.click("button[name=language][value=fa]")
    page.wait_for_selector("html[dir=rtl]")
    page.goto(f"{base}/agent/tickets/{ticket.pk}/")
    page.select_option("#macro-select", label="Escalate")
    page.wait_for_selector("[data-macro-preview].is-note")
    assert page.locator("#composer.is-note").count() == 1
    page.screenshot(path=str(SHOTS / "macros-picker-fa.png"), full_page=False)
    page.goto(f"{base}/agent/tickets/")
    page.click("nav.tabs >> text=Urgent in first line")
    page.wait_for_selector("html[dir=rtl] nav.tabs a[aria-current=page]")
    page.locator("details.save-view >> nth=0").evaluate("d => d.open = true")
    page.screenshot(path=str(SHOTS / "macros-views-fa.png"), full_page=False)


def test_the_tab_counts_and_the_bulk_bar_load_after_the_list(page, live_server, agent, customer):
    requester = Contact.objects.get(user=customer)
    first = make_ticket(requester=requester, subject="Bulk one", body="A.")
    second = make_ticket(requester=requester, subject="Bulk two", body="B.")
    sign_in(page, live_server.url, agent)
    page.goto(f"{live_server.url}/agent/tickets/")
    assert page.locator("#bulk select[name=action]").count() == 0  # not built until wanted
    page.wait_for_selector("#tab-count-open:not(:empty)")  # the tabs' counts come in after the page
    assert page.inner_text("#tab-count-open") == "2" and page.inner_text("#tab-count-pending") == "0"
    page.check(f"input[name=tickets][value='{first.pk}']")
    page.select_option("#bulk select[name=action]", "status")  # waits for the fields to arrive
    assert page.locator("[data-bulk-for=status]").is_visible()
    assert not page.locator("[data-bulk-for=assign]").is_visible()  # only the chosen action's field
    page.check(f"input[name=tickets][value='{second.pk}']")
    page.select_option("#bulk select[name=status]", Status.PENDING)
    page.click("#bulk button[type=submit]")
    page.wait_for_selector(".flash-success:has-text('2 tickets updated.')")
    assert {t.status for t in Ticket.objects.filter(pk__in=[first.pk, second.pk])} == {Status.PENDING}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_on_a_phone_every_card_of_the_ticket_page_is_as_wide_as_the_page(page, live_server, agent, customer, language):
    """One column under 1000 px: the properties card, the reply box and the side cards all span it (the
    desktop grid's align-items: start left each card as wide as its content, some narrower than others)."""
    agent.language = language
    agent.save(update_fields=["language"])
    ticket = make_ticket(requester=Contact.objects.get(user=customer), subject="On a phone", body="Hello.")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, agent)
    page.goto(f"{live_server.url}/agent/tickets/{ticket.pk}/")
    page.wait_for_selector("#kb-slot #kb-title")
    widths = page.evaluate(
        """() => [...document.querySelectorAll('.ag-layout .card')].filter(card => card.offsetParent)
            .map(card => [card.id || card.className, Math.round(card.getBoundingClientRect().width)])"""
    )
    column = max(width for _name, width in widths)
    assert len(widths) > 5 and column <= 390
    assert [name for name, width in widths if width != column] == []


def test_one_request_fills_every_sidebar_panel_and_they_work(page, live_server, agent, customer):
    requester = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=requester, subject="Sidebar in one go", body="Hello.")
    make_ticket(requester=requester, subject="Their earlier request", body="Before.")
    # its own activity: a transactional test before this one may have flushed the migrations' ones
    activity = ActivityType.objects.create(name="Sidebar check", position=99)
    sign_in(page, live_server.url, agent)
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/agent/tickets/" in request.url else None)
    page.goto(f"{live_server.url}/agent/tickets/{ticket.pk}/")
    page.wait_for_selector("#kb-slot #kb-title")  # the last slot is filled
    page.wait_for_load_state("networkidle")
    assert page.locator(".ag-side [aria-busy=true]").count() == 0  # no placeholder left
    for panel in ("#properties", "#time-panel", "#satisfaction-panel", "#ear-panel", ".link-form"):
        assert page.locator(f".ag-side {panel}").count() == 1, panel
    assert page.locator("#other-tickets-slot", has_text="Their earlier request").count() == 1
    assert [url for url in asked if url.endswith("/side/")] == [f"{live_server.url}/agent/tickets/{ticket.pk}/side/"]
    assert not [url for url in asked if "/panels/" in url or url.endswith(("/ear/", "/time/", "/satisfaction/"))]
    # a panel swapped in works: log time from its form (htmx-less post, back to the ticket)
    page.fill("#time-panel .time-form input[name=minutes]", "0:20")
    page.select_option("#time-panel .time-form select[name=activity]", str(activity.pk))
    page.click("#time-panel .time-form button[type=submit]")
    page.wait_for_selector("#time-panel .time-total:has-text('0:20')")
