"""The admin shows dates as every other page does: Jalali with Persian digits in fa (change lists,
read-only fields, list_display callables), Django's own Gregorian output in English
(helpdesk/admin_dates.py)."""

import re
from datetime import UTC, date, datetime

import pytest

from customers.models import BusinessCalendar, Organization, ServiceContract, SlaPolicy
from helpdesk.outbox.models import NotificationLog

pytestmark = pytest.mark.django_db

NOWRUZ = datetime(2026, 3, 21, 12, 0, tzinfo=UTC)  # 1405/01/01


def signed_in(client, user, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def cells(page: str) -> str:
    """The change list's table of rows (else the whole page: a change page's read-only values) as text."""
    table = re.search(r'<table id="result_list">.*?</table>', page, re.S)
    return re.sub(r"<[^>]+>", " ", table.group() if table else page)


@pytest.fixture
def mail():
    return NotificationLog.objects.create(
        key="test-mail", recipient="someone@example.com", template="t", created_at=NOWRUZ, sent_at=NOWRUZ
    )


@pytest.fixture
def contract(db):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", calendar=calendar)
    organization = Organization.objects.create(name="Acme 2026")
    return ServiceContract.objects.create(
        name="Support 2025", organization=organization, sla_policy=policy, valid_from=date(2026, 3, 21)
    )


def test_the_outbox_list_shows_moments_in_the_jalali_calendar_in_persian(client, admin_user, mail):
    page = cells(signed_in(client, admin_user, "fa").get("/admin/helpdesk/notificationlog/").content.decode())
    assert "۱۴۰۵/۰۱/۰۱" in page
    assert "مارس" not in page and "2026" not in page


def test_a_contract_list_shows_days_in_the_jalali_calendar_and_keeps_names_as_typed(client, admin_user, contract):
    page = cells(signed_in(client, admin_user, "fa").get("/admin/customers/servicecontract/").content.decode())
    assert "۱۴۰۵/۰۱/۰۱" in page
    assert "Support 2025" in page and "Acme 2026" in page  # names are text, not dates: unchanged
    assert "مارس" not in page


def test_read_only_moments_on_a_change_page_are_jalali_in_persian(client, admin_user, mail):
    page = signed_in(client, admin_user, "fa").get(f"/admin/helpdesk/notificationlog/{mail.pk}/change/")
    assert page.status_code == 200
    text = cells(page.content.decode())
    assert text.count("۱۴۰۵/۰۱/۰۱") >= 2  # created and sent
    assert "مارس" not in text


def test_english_admin_keeps_gregorian_dates(client, admin_user, mail, contract):
    english = signed_in(client, admin_user, "en")
    assert "March 21, 2026" in cells(english.get("/admin/helpdesk/notificationlog/").content.decode())
    assert "March 21, 2026" in cells(english.get("/admin/customers/servicecontract/").content.decode())
    assert "۱۴۰۵" not in english.get(f"/admin/helpdesk/notificationlog/{mail.pk}/change/").content.decode()
