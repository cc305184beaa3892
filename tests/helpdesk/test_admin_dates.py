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


@pytest.fixture
def mails_around_nowruz():
    """Mail on 1404/12/28, 1405/01/01 and 1405/02/05 (2026-03-19, 2026-03-21, 2026-04-25)."""
    for day, who in (
        (date(2026, 3, 19), "esfand"),
        (date(2026, 3, 21), "farvardin"),
        (date(2026, 4, 25), "ordibehesht"),
    ):
        moment = datetime.combine(day, NOWRUZ.timetz())
        NotificationLog.objects.create(key=who, recipient=f"{who}@example.com", template="t", created_at=moment)


def hierarchy(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.search(r'<nav class="toplinks">.*?</nav>', page, re.S).group())


def test_the_date_hierarchy_goes_by_jalali_years_months_and_days_in_persian(client, admin_user, mails_around_nowruz):
    persian = signed_in(client, admin_user, "fa")
    top = persian.get("/admin/helpdesk/notificationlog/").content.decode()
    assert "۱۴۰۴" in hierarchy(top) and "۱۴۰۵" in hierarchy(top) and "2026" not in hierarchy(top)
    assert "created_at__year=1405" in top
    year = persian.get("/admin/helpdesk/notificationlog/?created_at__year=1405").content.decode()
    assert "فروردین ۱۴۰۵" in hierarchy(year) and "اردیبهشت ۱۴۰۵" in hierarchy(year)
    assert "farvardin@" in year and "ordibehesht@" in year and "esfand@" not in year
    month = persian.get("/admin/helpdesk/notificationlog/?created_at__year=1405&created_at__month=1").content.decode()
    assert "۱ فروردین" in hierarchy(month)
    assert "farvardin@" in month and "ordibehesht@" not in month and "esfand@" not in month
    day = persian.get("/admin/helpdesk/notificationlog/?created_at__year=1404&created_at__month=12&created_at__day=28")
    assert "esfand@" in day.content.decode() and "farvardin@" not in day.content.decode()


def test_a_date_hierarchy_link_that_names_no_day_is_refused_not_an_error(client, admin_user, mails_around_nowruz):
    persian = signed_in(client, admin_user, "fa")
    response = persian.get("/admin/helpdesk/notificationlog/?created_at__year=1404&created_at__month=13")
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_the_english_date_hierarchy_stays_gregorian(client, admin_user, mails_around_nowruz):
    page = signed_in(client, admin_user, "en").get("/admin/helpdesk/notificationlog/?created_at__year=2026")
    assert "March 2026" in hierarchy(page.content.decode()) and "April 2026" in hierarchy(page.content.decode())
    assert "esfand@" in page.content.decode()
