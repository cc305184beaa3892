"""The customer portal in a real browser: sign up, open a request with a file, talk with support,
mark it solved and rate it; screenshots in English and Persian, desktop and phone width.

Screenshots go to /tmp/portal-shots/*.png.
"""

import re
from datetime import date, time
from pathlib import Path

import pytest

from tests.conftest import send_outbox_mail

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path("/tmp/portal-shots")
PASSWORD = "a-long unusual passphrase 42"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]


@pytest.fixture
def world(transactional_db, settings):
    from customers import services as customer_services
    from customers.models import OrganizationDomain
    from tests import factories

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    team = factories.TeamFactory(name="First line", slug="first-line")
    agent = factories.UserFactory(role="agent", email="agent@e2e.test", full_name="Alex Agent")
    agent.teams.add(team)
    organization = factories.OrganizationFactory(name="Acme", share_tickets=True)
    OrganizationDomain.objects.create(organization=organization, domain="acme.test", allow_signup=True)
    cloud = factories.ProductFactory(name="Cloud hosting", code="cloud")
    cloud.policy_text = "Covered: uptime, backups, restores. Not covered: code running on the servers."
    cloud.save()
    calendar = customer_services.calendar_create(
        name="Tehran office",
        time_zone="Asia/Tehran",
        periods=[{"weekday": d, "start": time(8), "end": time(16)} for d in (5, 6, 0, 1, 2)]
        + [{"weekday": 3, "start": time(8), "end": time(12)}],
        holidays=[{"name": "نوروز", "recurrence": "jalali", "month": 1, "day": d} for d in (1, 2, 3, 4)]
        + [{"name": "Sizdah Bedar", "recurrence": "jalali", "month": 1, "day": 13}],
    )
    policy = customer_services.sla_policy_create(
        name="Standard",
        calendar=calendar,
        targets=[
            {"priority": "urgent", "first_response_minutes": 30, "resolution_minutes": 240},
            {"priority": "high", "first_response_minutes": 60, "resolution_minutes": 480},
            {"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 1440},
            {"priority": "low", "first_response_minutes": 480, "resolution_minutes": 2400},
        ],
    )
    customer_services.contract_create(
        name="Acme Care 2026",
        organization=organization,
        sla_policy=policy,
        valid_from=date(2020, 1, 1),
        products=[cloud],
    )
    return {"agent": agent, "team": team}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _link_from_outbox(prefix: str) -> str:
    """The link in the last mail that has one, once the outbox's mail is sent (as the worker would)."""
    from django.core import mail

    send_outbox_mail(template_prefix="account_")
    for message in reversed(mail.outbox):
        match = re.search(rf"https?://[^\s]+?({re.escape(prefix)}[^\s]+)", message.body)
        if match:
            return match.group(1)
    raise AssertionError(f"no {prefix} link in {[m.body for m in mail.outbox]}")


def test_a_customer_signs_up_asks_for_help_and_rates_it(browser, live_server, world):
    from tickets import services
    from tickets.models import Attachment, SatisfactionRating, Status, Ticket

    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()

    # Sign up with an address of a domain that allows it; the mail carries the verification link.
    page.goto(f"{base}/account/signup/")
    shot(page, "en-signup-desktop")
    page.fill("#id_full_name", "Nina New")
    page.fill("#id_email", "nina@acme.test")
    page.click("button.primary")
    page.wait_for_url(f"{base}/account/signup/done/")
    page.goto(base + _link_from_outbox("/account/verify/"))
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    shot(page, "en-verify-desktop")
    page.click("button.primary")
    page.wait_for_url(f"{base}/portal/")
    assert "Hello, Nina New" in page.inner_text("h1")

    # A new request with an attachment.
    page.click("text=New request")
    page.wait_for_url(f"{base}/portal/requests/new/")
    assert page.get_attribute("#kb-suggestions", "hx-get") == "/kb/suggest/"
    page.fill("#id_subject", "Backups fail every night")
    page.fill("#id_description", "Since Monday the nightly backup stops at 80%.")
    page.check("input[name=impact][value=blocks]")
    page.set_input_files(
        "#id_attachments", files=[{"name": "backup.log", "mimeType": "text/plain", "buffer": b"error: disk full"}]
    )
    shot(page, "en-new-desktop")
    page.click("button:has-text('Send request')")
    page.wait_for_url(re.compile(r".*/portal/requests/\d+/$"))
    ticket = Ticket.objects.get(subject="Backups fail every night")
    assert ticket.priority == "high"
    assert Attachment.objects.filter(ticket=ticket, original_name="backup.log").exists()
    assert "backup.log" in page.content()

    # The customer replies; an agent answers; the answer shows after a reload.
    page.fill("#id_body", "It also happened last night.")
    page.click("button:has-text('Send reply')")
    page.wait_for_selector("text=Your reply was added.")
    services.ticket_reply(ticket=ticket, actor=world["agent"], body="We freed disk space; please check tonight.")
    services.ticket_reply(ticket=ticket, actor=world["agent"], body="INTERNAL: disk was full", internal=True)
    page.reload()
    assert "We freed disk space" in page.content()
    assert "INTERNAL" not in page.content()
    shot(page, "en-ticket-desktop")

    # Mark solved, then rate it.
    page.click("button:has-text('My problem is solved')")
    page.wait_for_selector("text=How did we do?")
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    page.click("label.score-choice:has-text('Great')")
    page.fill("#id_comment", "Quick and clear, thanks!")
    page.click("button:has-text('Send rating')")
    page.wait_for_selector("text=Thank you for your rating!")
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment) == (5, "Quick and clear, thanks!")
    shot(page, "en-ticket-rated-desktop")
    thread, side, reply = (page.locator(css).bounding_box() for css in (".thread", ".ticket-side", "form.reply"))
    # wide: the reply form under the conversation, the side beside both
    assert reply["y"] >= thread["y"] + thread["height"] and reply["x"] + reply["width"] <= side["x"]

    page.goto(f"{base}/portal/")
    shot(page, "en-home-desktop")
    page.goto(f"{base}/portal/contract/")
    shot(page, "en-contract-desktop")

    # The same pages at phone width.
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in [
        ("/portal/", "home"),
        ("/portal/requests/new/", "new"),
        (f"/portal/requests/{ticket.pk}/", "ticket"),
    ]:
        page.goto(base + path)
        shot(page, f"en-{name}-phone")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    # one column on a phone: the facts and the rating come before the reply form, not after it
    rating, reply = (page.locator(css).bounding_box() for css in (".ticket-side .rating", "form.reply"))
    assert rating["y"] + rating["height"] <= reply["y"]

    # Persian: switch with the language switcher (kept in the profile), right to left.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/portal/")
    page.click(".usermenu-toggle")  # the language is in the person's menu
    page.click("button[name=language][value=fa]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "dir") == "rtl"
    for path, name in [
        ("/portal/", "home"),
        ("/portal/requests/new/", "new"),
        (f"/portal/requests/{ticket.pk}/", "ticket"),
        ("/portal/contract/", "contract"),
    ]:
        page.goto(base + path)
        shot(page, f"fa-{name}-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in [("/portal/", "home"), (f"/portal/requests/{ticket.pk}/", "ticket")]:
        page.goto(base + path)
        shot(page, f"fa-{name}-phone")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    context.close()

    anonymous = browser.new_context(viewport={"width": 390, "height": 844}, locale="fa-IR")
    page = anonymous.new_page()
    page.goto(f"{base}/account/signup/")
    assert page.get_attribute("html", "dir") == "rtl"
    shot(page, "fa-signup-phone")
    anonymous.close()


def _new_request_form_with_an_article(browser, live_server, email: str):
    """A published "Reset your password" article, and a customer signed in on the new-request form."""
    from knowledgebase import services as kb_services
    from knowledgebase.models import Article
    from tests import factories

    agent = factories.UserFactory(role="agent", email=f"writer-{email}")
    draft = kb_services.article_create_draft(
        author=agent, title="Reset your password", body="Use the link on the sign-in page.", language="en"
    )
    Article.objects.filter(pk=draft.pk).update(status="published", visibility="public")
    contact = factories.ContactFactory(email=email, with_login=True)
    contact.user.set_password(PASSWORD)
    contact.user.save()
    page = browser.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.goto(f"{live_server.url}/portal/requests/new/")
    return page, contact, draft


def test_opening_a_suggested_article_and_leaving_counts_as_deflected(browser, live_server, transactional_db):
    """Type a subject, see a suggested article, open it, leave without sending: one deflection."""
    from tickets.models import Deflection

    page, contact, article = _new_request_form_with_an_article(browser, live_server, "dana@acme.test")
    page.locator("input[name=subject]").press_sequentially("reset password", delay=20)
    link = page.locator("#kb-suggestions a[data-article-id]").first
    link.wait_for(timeout=10_000)
    with page.context.expect_page():
        link.click()
    page.wait_for_timeout(500)  # the beacon is sent asynchronously
    assert Deflection.objects.filter(contact=contact, article_id=article.pk, ticket__isnull=True).count() == 1


def test_suggestions_stay_while_only_small_words_are_typed_and_follow_the_description(
    browser, live_server, transactional_db
):
    """The article is suggested for the subject; retyping the subject as "how do I" (nothing to search:
    the server answers 204) keeps it in view; an emptied form clears it; the description brings it back."""
    page, _contact, _article = _new_request_form_with_an_article(browser, live_server, "erin@acme.test")
    subject = page.locator("input[name=subject]")
    links = page.locator("#kb-suggestions a[data-article-id]")
    subject.press_sequentially("reset password", delay=20)
    links.first.wait_for(timeout=10_000)
    subject.press("Control+a")
    subject.press_sequentially("how do I", delay=20)
    page.wait_for_timeout(1200)  # past the debounce: every answer has come back
    assert links.first.is_visible()
    subject.press("Control+a")
    subject.press("Delete")
    links.first.wait_for(state="detached", timeout=10_000)
    page.locator("textarea[name=description]").press_sequentially("I forgot my password", delay=20)
    links.first.wait_for(timeout=10_000)
