"""Every page, as every persona, in English and Persian, on a desktop and a phone, in a real browser.

A page fails when it is wider than the screen (the document scrolls sideways), when its Persian text
shows a Latin digit (outside code, inputs, e-mail addresses and text people wrote, which keeps the
digits they typed), or when text from the data set below (written by people: messages, notes, names,
subjects, file names, titles, contract text) sits in an element that does not isolate its direction.
User text is marked by `dir="auto"` on its block or `<bdi>` around it (or, for one-direction values such
as addresses, an explicit `dir`); everything inside such an element counts as user text.

Screenshots of each page go to /tmp/every-page/ (persona-language-width-page.png), or to $HELPDESK_SHOTS_DIR.
"""

import os
from datetime import date, time
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, chromium

SHOTS = Path(os.environ.get("HELPDESK_SHOTS_DIR", "/tmp/every-page"))
WIDTHS = (1366, 390)
LANGUAGES = ("en", "fa")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]

# Fragments of the text people wrote in the data set; each must appear only inside isolated elements.
USER_TEXT = (
    "Printer prints blank pages",
    "Thanks, that worked.",
    "لطفاً درایور چاپگر",
    "Checked the toner",
    "خطای-چاپ",
    "Can you confirm the warranty",
    "گارانتی تا پایان سال",
    "چاپگر کاغذ را گیر",
    "Emma Clark",
    "مریم احمدی",
    "Acme Trading",
    "Reset your password",
    "بازنشانی گذرواژه",
    "Covered: uptime",
    "Print whole booklets",
    "Wants twenty more seats",
    "Printer firmware 4.2 blanks pages",
    "خرابی میان‌افزار",
    "VPN drops every hour",
    "Took three days to answer",
)

# Runs in the page: the problems found, as {"kind": ..., "text": ...}.
CHECK_PAGE = r"""([fa, checkDigits, userText]) => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) {
    const wide = [...document.querySelectorAll('body *')]
      .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 || el.getBoundingClientRect().left < -1)
      .filter(el => !el.closest('.table-wrap, .visually-hidden, pre'))
      .slice(0, 4).map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
    problems.push({kind: 'overflow', text: `${doc.scrollWidth}px > ${window.innerWidth}px: ${wide.join(', ')}`});
  }
  const skip = 'script, style, code, pre, kbd, samp, textarea, select, option, noscript, template';
  // A chart's axis label is a name as people typed it (a contract, an organization), isolated by the
  // SVG's own bidi attribute (helpdesk.charts): its digits are the name's.
  const isolated = el => el.closest('bdi, [dir="auto"], text[unicode-bidi="plaintext"]')
    || [...ancestors(el)].some(a => a !== doc && a.hasAttribute('dir'));
  function* ancestors(el) { for (let a = el; a; a = a.parentElement) yield a; }
  // Django's admin gives its cells their own direction by style (static/css/admin.css), not markup.
  // (Only plaintext counts: blocks are `isolate` by default yet take the page's direction.)
  const isolatedByStyle = el => [...ancestors(el)].some(a => getComputedStyle(a).unicodeBidi === 'plaintext');
  const email = /[^\s@]+@[^\s@]+\.[^\s@]+/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent;
    if (!el || el.closest(skip) || !text.trim()) continue;
    if (fa && checkDigits && /[0-9]/.test(text.replace(email, '')) && !isolated(el)) {
      problems.push({kind: 'latin digit', text: `<${el.tagName.toLowerCase()} class="${el.className}"> ${text.trim().slice(0, 80)}`});
    }
    for (const fragment of userText) {
      if (text.includes(fragment) && !el.closest('bdi, [dir="auto"], [dir]:not(html)') && !isolatedByStyle(el)) {
        problems.push({kind: 'not isolated', text: `<${el.tagName.toLowerCase()} class="${el.className}"> ${text.trim().slice(0, 80)}`});
      }
    }
  }
  return problems;
}"""


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    """English and Persian customers of one organization, tickets with messages in both languages, an
    internal note, an answered referral, a file with a Persian name, an article in each language and a
    contract whose product has English policy text."""
    from customers import services as customer_services
    from knowledgebase import services as kb_services
    from tests import factories
    from tests.knowledgebase.conftest import make_article
    from tickets import ratings, services
    from tickets.attachments.store import IncomingFile
    from tickets.models import ActivityType, Referral, Status
    from tickets.timetrack.services import TimeSpent

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    team = factories.TeamFactory(name="First line", slug="first-line")
    billing = factories.TeamFactory(name="Billing", slug="billing")
    agent = factories.UserFactory(role="agent", email="sara@help.test", full_name="Sara Rahimi")
    agent.teams.add(team)
    billing_agent = factories.UserFactory(role="agent", email="bill@help.test", full_name="Bill Moore")
    billing_agent.teams.add(billing)
    admin = factories.UserFactory(role="admin", is_superuser=True, email="root@help.test")
    organization = factories.OrganizationFactory(name="Acme Trading", share_tickets=True)
    emma = factories.ContactFactory(
        organization=organization, email="emma@acme.test", full_name="Emma Clark", with_login=True
    )
    maryam = factories.ContactFactory(organization=organization, email="maryam@acme.test", full_name="مریم احمدی")

    cloud = factories.ProductFactory(name="Cloud hosting", code="cloud")
    cloud.policy_text = "Covered: uptime, backups and restores within 30 days."
    cloud.save()
    calendar = customer_services.calendar_create(
        name="Office hours",
        time_zone="Asia/Tehran",
        periods=[{"weekday": d, "start": time(8), "end": time(16)} for d in (5, 6, 0, 1, 2)],
    )
    policy = customer_services.sla_policy_create(
        name="Standard",
        calendar=calendar,
        targets=[{"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 1440}],
    )
    customer_services.contract_create(
        name="Acme Care 2026",
        organization=organization,
        sla_policy=policy,
        valid_from=date(2020, 1, 1),
        products=[cloud],
        hours_bank=1,
    )
    activity = ActivityType.objects.get_or_create(name="Remote session", defaults={"name_fa": "جلسهٔ راه دور"})[0]

    printer = services.ticket_open(
        actor=None,
        requester=emma,
        subject="Printer prints blank pages",
        body="The printer in room 4 prints blank pages since Monday.",
        team=team,
    )
    services.ticket_reply(
        ticket=printer,
        actor=agent,
        body="لطفاً درایور چاپگر را دوباره نصب کنید و نتیجه را بگویید.",
        attachments=[IncomingFile(name="خطای-چاپ.png", content=b"\x89PNG\r\n\x1a\n" + b"0" * 2000)],
    )
    services.ticket_reply(
        ticket=printer,
        actor=agent,
        body="Checked the toner; it is full.",
        internal=True,
        time=TimeSpent(minutes=75, activity=activity),  # over the contract's one-hour bank
    )
    services.ticket_reply(ticket=printer, actor=billing_agent, body="@sara the toner order is placed.", internal=True)
    services.ticket_customer_reply(ticket=printer, actor=emma.user, contact=emma, body="Thanks, that worked.")
    referral = services.ticket_refer(
        ticket=printer, actor=agent, to_team=billing, note="Can you confirm the warranty covers this printer?"
    )
    services.referral_answer(
        referral=Referral.objects.get(pk=referral.pk),
        actor=billing_agent,
        answer="بله، گارانتی تا پایان سال معتبر است.",
    )
    jam = services.ticket_open(
        actor=None,
        requester=maryam,
        subject="چاپگر کاغذ را گیر می‌اندازد",
        body="چاپگر HP LaserJet 400 در هر صفحه کاغذ را گیر می‌اندازد.",
        team=team,
    )

    from tickets.feedback.services import feedback_item_from_ticket
    from tickets.opportunities.services import opportunity_create

    idea = feedback_item_from_ticket(
        ticket=printer, actor=agent, title="Print whole booklets", description="Customers ask for booklets."
    )
    opportunity = opportunity_create(ticket=printer, actor=agent, note="Wants twenty more seats", product=cloud)

    from tickets.models import Category, RootCause
    from tickets.problems import services as problem_services

    hardware = Category.objects.create(name="Hardware", name_fa="سخت‌افزار")
    printers = Category.objects.create(name="Printers", name_fa="چاپگرها", parent=hardware)
    RootCause.objects.create(name="Software bug", name_fa="اشکال نرم‌افزار")
    services.ticket_edit(ticket=printer, actor=agent, changes={"category": printers})
    from tickets.models import CustomStatus

    printer.refresh_from_db()
    if printer.status in ("open", "pending", "on_hold", "solved"):  # a team's own status on the printer ticket
        visit = CustomStatus.objects.create(
            name="Technician visit scheduled",
            name_fa="بازدید کارشناس زمان‌بندی شد",
            customer_name="A technician will visit you",
            customer_name_fa="کارشناس ما به محل شما می‌آید",
            base_status=printer.status,
        )
        services.ticket_edit(ticket=printer, actor=agent, custom_status=visit)
    problem = problem_services.problem_create(
        actor=agent,
        title="Printer firmware 4.2 blanks pages",
        description="خرابی میان‌افزار نسخهٔ 4.2 پس از به‌روزرسانی خودکار.",
        cause="Firmware 4.2 drops the page buffer; roll back to 4.1 until the vendor fixes it.",
        status="known_error",
        owner=agent,
        team=team,
        tickets=[printer],
    )
    from tickets.models import ProblemSolveJob

    solving = problem_services.problem_create(actor=agent, title="VPN gateway overloaded", team=team, tickets=[jam])
    ProblemSolveJob.objects.create(problem=solving, actor=agent, total=12, solved=7, failed=1, state="running")
    team.lead = agent
    team.save(update_fields=["lead"])
    rated = services.ticket_open(
        actor=None, requester=emma, subject="VPN drops every hour", body="Since the update.", team=team
    )
    services.ticket_reply(ticket=rated, actor=agent, body="Updated the VPN client settings.")
    services.ticket_change_status(ticket=rated, actor=agent, status=Status.SOLVED)
    ratings.rating_submit(ticket=rated, contact=emma, score=2, comment="Took three days to answer.")

    category = kb_services.category_create(actor=agent, name="Accounts", description="Signing in and out")
    english = make_article(
        agent,
        title="Reset your password",
        body='Use the "Forgot password" link on the sign-in page. It expires after 24 hours.',
        summary="Get back into your account in 2 minutes.",
        category=category,
        tags=["password"],
    )
    persian = make_article(
        agent,
        title="بازنشانی گذرواژه",
        body="روی «فراموشی گذرواژه» در صفحهٔ ورود بزنید.",
        language="fa",
        category=category,
    )
    return {
        "agent": agent,
        "admin": admin,
        "customer": emma.user,
        "emma": emma,
        "printer": printer,
        "jam": jam,
        "problem": problem,
        "solving": solving,
        "rated": rated,
        "english": english,
        "persian": persian,
        "idea": idea,
        "opportunity": opportunity,
    }


def _pages(world) -> dict[str, list[tuple[str, str]]]:
    """(name, path) of every page each persona can reach."""
    printer, english, persian = world["printer"], world["english"], world["persian"]
    revision = english.revisions.order_by("pk").first()
    kb_public = [
        ("kb-index", "/kb/"),
        ("kb-category", f"/kb/category/{english.category.slug}/"),
        ("kb-article-en", f"/kb/articles/{english.slug}/"),
        ("kb-article-fa", f"/kb/articles/{persian.slug}/"),
        ("kb-search", "/kb/search/?q=password"),
    ]
    return {
        "anonymous": [
            ("login", "/login/"),
            ("password-reset", "/account/password-reset/"),
            ("signup", "/account/signup/"),
            *kb_public,
        ],
        "customer": [
            ("portal-home", "/portal/"),
            ("portal-requests", "/portal/requests/"),
            ("portal-new", "/portal/requests/new/"),
            ("portal-request", f"/portal/requests/{printer.pk}/"),
            ("portal-organization", "/portal/organization/"),
            ("portal-contract", "/portal/contract/"),
            ("portal-privacy", "/portal/privacy/"),
            ("profile", "/profile/"),
            ("two-factor-setup", "/profile/two-factor/"),
            *kb_public,
        ],
        "agent": [
            ("agent-home", "/agent/"),
            ("agent-list", "/agent/tickets/?view=all"),
            ("agent-ticket", f"/agent/tickets/{printer.pk}/"),
            ("agent-ticket-fa", f"/agent/tickets/{world['jam'].pk}/"),
            ("agent-ticket-rated", f"/agent/tickets/{world['rated'].pk}/"),
            ("agent-ticket-satisfaction", f"/agent/tickets/{world['rated'].pk}/satisfaction/"),
            ("agent-list-follow-up", "/agent/tickets/?view=all&follow_up=open"),
            ("agent-new", "/agent/tickets/new/"),
            ("agent-call", "/agent/calls/new/?caller=emma"),
            ("agent-macros", "/agent/macros/"),
            ("agent-problems", "/agent/problems/"),
            ("agent-problem", f"/agent/problems/{world['problem'].pk}/"),
            ("agent-problem-solving", f"/agent/problems/{world['solving'].pk}/"),
            ("agent-reports", "/agent/reports/"),
            ("agent-sla", "/agent/reports/sla/"),
            ("report-volume", "/agent/reports/volume/"),
            ("report-response-times", "/agent/reports/response-times/"),
            ("report-resolution", "/agent/reports/resolution/?group_by=channel"),
            ("report-recurring", "/agent/reports/recurring/?days=30"),
            ("report-referrals", "/agent/reports/referrals/"),
            ("report-workload", "/agent/reports/workload/"),
            ("report-time", "/agent/reports/time/?group_by=contract"),
            ("agent-ticket-time", f"/agent/tickets/{world['printer'].pk}/time/"),
            ("report-feedback", "/agent/reports/feedback/"),
            ("report-satisfaction", "/agent/reports/satisfaction/"),
            ("agent-article-usage", f"/agent/articles/{english.pk}/tickets/"),
            ("agent-feedback", "/agent/feedback/"),
            ("agent-feedback-item", f"/agent/feedback/{world['idea'].pk}/"),
            ("agent-opportunities", "/agent/opportunities/"),
            ("agent-opportunity", f"/agent/opportunities/{world['opportunity'].pk}/"),
            ("agent-contact", f"/agent/contacts/{world['emma'].pk}/"),
            ("agent-notifications", "/agent/notifications/"),
            ("agent-notification-settings", "/agent/notifications/settings/"),
            ("agent-referrals", "/agent/referrals/"),
            ("kb-manage", "/kb/manage/"),
            ("kb-edit", f"/kb/manage/{english.pk}/"),
            ("kb-revisions", f"/kb/manage/{english.pk}/revisions/"),
            ("kb-revision", f"/kb/manage/{english.pk}/revisions/{revision.pk}/"),
            ("kb-review", "/kb/manage/review/"),
            ("kb-gaps", "/kb/manage/gaps/"),
            ("profile", "/profile/"),
            ("two-factor-setup", "/profile/two-factor/"),
        ],
        "admin": [
            ("admin-index", "/admin/"),
            ("admin-organizations", "/admin/customers/organization/"),
            ("admin-macros", "/admin/tickets/macro/"),
            ("admin-custom-statuses", "/admin/tickets/customstatus/"),
            ("admin-custom-status-add", "/admin/tickets/customstatus/add/"),
            ("admin-surveys", "/admin/tickets/satisfactionsurvey/"),
            ("admin-ratings", "/admin/tickets/satisfactionrating/"),
            ("admin-follow-ups", "/admin/tickets/ratingfollowup/"),
            ("admin-triggers", "/admin/tickets/trigger/"),
            ("admin-trigger-add", "/admin/tickets/trigger/add/"),
            ("admin-timed-rules", "/admin/tickets/timedrule/"),
            ("admin-timed-rule-add", "/admin/tickets/timedrule/add/"),
            ("admin-audit-log", "/admin/audit-log/"),
            ("admin-contact-history", f"/admin/customers/contact/{world['emma'].pk}/history/"),
            ("admin-agent-home", "/agent/"),
            ("admin-contact", f"/agent/contacts/{world['emma'].pk}/"),
            ("admin-contact-erase", f"/agent/contacts/{world['emma'].pk}/erase/"),
        ],
    }


def _login_state(browser, base: str, user) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", "secret-pass-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state("load")
    state = context.storage_state()
    context.close()
    return state


def test_every_page_fits_the_screen_speaks_persian_digits_and_isolates_user_text(live_server, world):
    base = live_server.url
    pages = _pages(world)
    users = {"agent": world["agent"], "customer": world["customer"], "admin": world["admin"]}
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    visits = 0
    with chromium() as browser:
        states = {name: _login_state(browser, base, user) for name, user in users.items()}
        for persona, paths in pages.items():
            for language in LANGUAGES:
                for width in WIDTHS:
                    context = browser.new_context(
                        viewport={"width": width, "height": 900},
                        locale="fa-IR" if language == "fa" else "en-US",
                        storage_state=states.get(persona),
                    )
                    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                    page = context.new_page()
                    page.set_default_timeout(15_000)
                    for name, path in paths:
                        response = page.goto(base + path)
                        assert response is not None and response.status < 400, (persona, path, response)
                        page.wait_for_load_state("networkidle")
                        assert page.evaluate("document.documentElement.lang") == language, (persona, path)
                        check_digits = not path.startswith("/admin/")  # Django's own admin keeps its digits
                        found = page.evaluate(CHECK_PAGE, [language == "fa", check_digits, list(USER_TEXT)])
                        problems += [f"{persona} {language} {width}px {path}: {p['kind']}: {p['text']}" for p in found]
                        page.screenshot(path=str(SHOTS / f"{persona}-{language}-{width}-{name}.png"), full_page=True)
                        visits += 1
                    page.goto("about:blank")  # stop the presence heartbeat before the context goes
                    context.close()
    expected = sum(len(paths) for paths in pages.values()) * len(LANGUAGES) * len(WIDTHS)
    assert visits == expected
    assert problems == [], f"{len(problems)} problems on {visits} page views:\n" + "\n".join(problems)


def test_the_page_check_sees_overflow_latin_digits_and_unisolated_user_text():
    """The checks above can fail: a crafted page with each fault is caught, and its fixed twin passes."""
    faulty = (
        '<html lang="fa" dir="rtl"><body><p>درخواست 12</p><p>Thanks, that worked.</p>'
        '<div style="width:900px">wide</div></body></html>'
    )
    fixed = (
        '<html lang="fa" dir="rtl"><body><p>درخواست ۱۲ <code>v2</code> <a>emma@acme.test</a></p>'
        '<p dir="auto">Thanks, that worked. Room 4</p><p><bdi>Emma Clark</bdi></p></body></html>'
    )
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 800})
        page.set_content(faulty)
        kinds = sorted(p["kind"] for p in page.evaluate(CHECK_PAGE, [True, True, list(USER_TEXT)]))
        assert kinds == ["latin digit", "not isolated", "overflow"]
        page.set_content(fixed)
        assert page.evaluate(CHECK_PAGE, [True, True, list(USER_TEXT)]) == []


def test_on_a_phone_the_top_bar_is_one_row_and_the_menu_button_opens_the_navigation(live_server, world):
    with chromium() as browser:
        state = _login_state(browser, live_server.url, world["agent"])
        context = browser.new_context(viewport={"width": 390, "height": 800}, storage_state=state)
        page = context.new_page()
        page.goto(f"{live_server.url}/agent/tickets/?view=closed")
        page.wait_for_load_state("networkidle")
        toggle = page.locator("[data-menu-toggle]")
        assert page.locator(".topbar").bounding_box()["height"] < 70  # brand and menu button only
        assert not page.locator(".mainnav").is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator(".mainnav a", has_text="Tickets").is_visible()
        assert page.locator("button", has_text="Sign out").is_visible()
        tab = page.locator(".tabs [aria-current='page']").bounding_box()  # the active tab scrolled into view
        assert tab["x"] >= 0 and tab["x"] + tab["width"] <= 390
        page.goto("about:blank")
        context.close()

        context = browser.new_context(viewport={"width": 1366, "height": 800}, storage_state=state)
        page = context.new_page()
        page.goto(f"{live_server.url}/agent/")
        assert page.locator(".mainnav").is_visible() and not page.locator("[data-menu-toggle]").is_visible()
        page.locator(".bell-count").wait_for()  # the bell loads its unread count (a mention, the team's tickets)
        assert page.locator(".topbar").bounding_box()["height"] < 70  # still one row in English at 1366 px
        page.goto("about:blank")
        context.close()


def test_from_a_laptop_to_a_small_tablet_the_top_bar_is_one_row_with_more_and_the_persons_menu(live_server, world):
    with chromium() as browser:
        state = _login_state(browser, live_server.url, world["admin"])  # the longest navigation
        for width in (1366, 1280, 1024, 900, 800):
            context = browser.new_context(viewport={"width": width, "height": 800}, storage_state=state)
            page = context.new_page()
            page.goto(f"{live_server.url}/agent/")
            page.wait_for_load_state("networkidle")
            assert page.locator(".topbar").bounding_box()["height"] < 70, width  # one row
            assert not page.locator("button", has_text="Sign out").is_visible()
            page.locator(".usermenu-toggle").click()
            assert page.locator("button", has_text="Sign out").is_visible()
            assert page.locator(".langswitch button[lang=fa]").is_visible()
            page.locator(".navmore-toggle").click()  # one popup at a time
            assert not page.locator("button", has_text="Sign out").is_visible()
            assert page.locator(".navmore-panel a", has_text="Reports").is_visible()
            page.keyboard.press("Escape")
            assert not page.locator(".navmore-panel a", has_text="Reports").is_visible()
            page.goto("about:blank")
            context.close()
        # Narrower, the whole bar folds behind the menu button, as on a phone.
        context = browser.new_context(viewport={"width": 700, "height": 800}, storage_state=state)
        page = context.new_page()
        page.goto(f"{live_server.url}/agent/")
        assert page.locator("[data-menu-toggle]").is_visible() and page.locator(".topbar").bounding_box()["height"] < 70
        page.goto("about:blank")
        context.close()
