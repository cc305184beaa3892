"""The satisfaction survey mail as the customer's mail program shows it, in English and Persian, on a
desktop and a phone: nothing wider than the screen, Persian digits and right-to-left in Persian, the
ticket's subject isolated. Screenshots go to /tmp/every-page/mail-<language>-<width>-survey.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.conftest import CHROMIUM, chromium
from tests.e2e.test_every_page import CHECK_PAGE, SHOTS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_survey_mail_fits_a_phone_and_reads_right_to_left_in_persian(language, agent):
    from helpdesk.models import NotificationLog
    from helpdesk.outbox.sending import mail_build
    from tests import factories
    from tickets import services, tasks
    from tickets.models import Status, Ticket

    contact = factories.ContactFactory(email=f"{language}@acme.test", full_name="Emma Clark", language=language)
    ticket = services.ticket_open(actor=None, requester=contact, subject="VPN drops every hour", body="Since Monday.")
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(days=1, minutes=5))
    tasks.survey_sweep.apply()
    html = mail_build(NotificationLog.objects.get(template="satisfaction_survey")).alternatives[0][0]
    assert html.count("/portal/rate/") == 5
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for width in (1366, 390):
            page = browser.new_page(viewport={"width": width, "height": 700})
            page.set_content(html)
            assert page.evaluate("getComputedStyle(document.querySelector('body > div')).direction") == (
                "rtl" if language == "fa" else "ltr"
            )
            assert page.evaluate(CHECK_PAGE, [language == "fa", True, ["VPN drops every hour"]]) == []
            page.screenshot(path=str(SHOTS / f"mail-{language}-{width}-survey.png"), full_page=True)
            page.close()
