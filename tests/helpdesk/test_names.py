"""Issue #19: names that records carry (teams, products, SLA policies, calendars, holidays) are shown
in the reader's language, the other one when a record has none; time zones read as a city and offset."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from customers.models import BusinessCalendar, Product, SlaPolicy, SlaTarget
from helpdesk import dates
from helpdesk.names import name_in_language
from tests.conftest import api_as
from tests.factories import make_ticket
from tickets.models import Status, Ticket
from tickets.reports.stats import sla_compliance


def test_the_name_follows_the_language_and_falls_back_to_the_other():
    assert name_in_language("Billing", "مالی", "fa") == "مالی"
    assert name_in_language("Billing", "مالی", "en") == "Billing"
    assert name_in_language("Billing", "", "fa") == "Billing"
    assert name_in_language("", "مالی", "en") == "مالی"


def test_str_of_a_team_is_its_name_in_the_active_language(team):
    team.name_fa = "خط اول"
    with translation.override("fa"):
        assert str(team) == "خط اول"
    with translation.override("en"):
        assert str(team) == "First line"


def test_the_agent_list_in_persian_names_the_team_in_persian(client, agent, team, customer):
    team.name_fa = "پشتیبانی خط اول"
    team.save()
    agent.language = "fa"
    agent.save()
    make_ticket(requester=customer.contact, actor=customer, team=team, subject="Printer")
    client.force_login(agent)
    html = client.get("/agent/tickets/?columns=team").content.decode()
    assert "پشتیبانی خط اول" in html
    agent.language = "en"
    agent.save()
    html = client.get("/agent/tickets/?columns=team").content.decode()
    assert "First line" in html and "پشتیبانی خط اول" not in html


def test_the_portal_says_which_team_has_a_request_in_the_readers_language(client, customer, team, agent):
    team.name_fa = "پشتیبانی خط اول"
    team.save()
    ticket = make_ticket(requester=customer.contact, actor=customer, team=team, subject="Printer")
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.OPEN)  # past "received": with a team
    customer.language = "fa"
    customer.save()
    client.force_login(customer)
    html = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "پشتیبانی خط اول" in html and "First line" not in html


def test_time_zones_read_as_a_city_and_its_offset():
    winter = datetime(2026, 1, 10, tzinfo=UTC)
    assert dates.time_zone_label("Asia/Tehran", "en", winter) == "Tehran (UTC+03:30)"
    assert dates.time_zone_label("Europe/Berlin", "en", winter) == "Berlin (UTC+01:00)"
    assert dates.time_zone_label("Europe/Berlin", "en", datetime(2026, 7, 1, tzinfo=UTC)) == "Berlin (UTC+02:00)"
    assert dates.time_zone_label("America/Sao_Paulo", "en", winter) == "Sao Paulo (UTC-03:00)"
    assert dates.time_zone_label("No/Such_Zone", "en", winter) == "Such Zone"
    with translation.override("fa"):
        assert dates.time_zone_label("Asia/Tehran", "fa", winter) == "تهران (UTC+۰۳:۳۰)"


def test_products_take_a_persian_name_over_the_api(admin_user, customer):
    api = api_as(admin_user)
    answer = api.post(
        "/api/v1/products/", {"name": "Cloud hosting", "name_fa": "میزبانی ابری", "code": "cloud"}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["name_fa"] == "میزبانی ابری"
    assert Product.objects.get(code="cloud").name_fa == "میزبانی ابری"
    assert api.post("/api/v1/products/", {"name_fa": "بی‌نام", "code": "x"}, format="json").status_code == 400


def test_teams_and_calendars_show_their_persian_names_in_the_api(admin_user, team):
    team.name_fa = "خط اول"
    team.save()
    api = api_as(admin_user)
    [row] = [t for t in api.get("/api/v1/teams/").json()["results"] if t["id"] == team.pk]
    assert row["name_fa"] == "خط اول"
    answer = api.post(
        "/api/v1/calendars/",
        {
            "name": "Tehran office",
            "name_fa": "دفتر تهران",
            "time_zone": "Asia/Tehran",
            "periods": [{"weekday": 5, "start": "08:00", "end": "16:00"}],
            "holidays": [{"name": "Nowruz", "name_fa": "نوروز", "recurrence": "jalali", "month": 1, "day": 1}],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    calendar = BusinessCalendar.objects.get(name="Tehran office")
    assert calendar.name_fa == "دفتر تهران" and calendar.holidays.get().name_fa == "نوروز"
    assert answer.json()["holidays"][0]["name_fa"] == "نوروز"


def test_the_admin_edits_persian_names_and_speaks_the_products_name(client, admin_user, team):
    admin_user.language = "fa"
    admin_user.save()
    client.force_login(admin_user)
    html = client.get(f"/admin/helpdesk/team/{team.pk}/change/").content.decode()
    assert 'name="name_fa"' in html
    index = client.get("/admin/").content.decode()
    assert "میز خدمت" in index and "Django" not in index


@pytest.mark.parametrize("path", ["/portal/", "/kb/", "/agent/", "/login/"])
def test_every_part_of_the_site_carries_the_one_product_name_and_the_favicon(client, agent, customer, path, settings):
    if path != "/login/":
        client.force_login(agent if path == "/agent/" else customer)
    html = client.get(path).content.decode()
    assert html.count("Helpdesk") >= 2 and "Help center" not in html  # the title and the top bar
    assert 'rel="icon" href="/static/favicon.svg"' in html
    settings.HELPDESK_SITE_NAME, settings.HELPDESK_SITE_NAME_FA = "Acme Support", "پشتیبانی اکمی"
    html = client.get(path).content.decode()
    assert "<title>" in html and "· Acme Support</title>" in html and ">Acme Support</a>" in html
    with translation.override("fa"):
        client.cookies["django_language"] = "fa"
        user = agent if path == "/agent/" else customer
        user.language = "fa"
        user.save()
        assert "پشتیبانی اکمی" in client.get(path).content.decode()


def test_the_sla_report_groups_by_the_name_in_the_readers_language(agent, team, customer):
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    policy = SlaPolicy.objects.create(name="Gold", name_fa="طلایی", calendar=calendar, is_default=True)
    SlaTarget.objects.create(policy=policy, priority="normal", first_response_minutes=60)
    make_ticket(requester=customer.contact, actor=customer, team=team, subject="One")
    now = timezone.now()
    window = {"user": agent, "start": now - timedelta(days=1), "end": now + timedelta(days=1)}
    with translation.override("fa"):
        assert [row.group for row in sla_compliance(**window)] == ["طلایی"]
    with translation.override("en"):
        assert [row.group for row in sla_compliance(**window)] == ["Gold"]
        team.name_fa = "خط اول"
        team.save()
        assert [row.group for row in sla_compliance(**window, group_by="team")] == ["First line"]
    with translation.override("fa"):
        assert [row.group for row in sla_compliance(**window, group_by="team")] == ["خط اول"]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_demo_data_names_its_records_in_both_languages(db, language):
    from customers import demo as customers_demo
    from helpdesk import demo as core_demo

    core_demo.load()
    customers_demo.load()
    with translation.override(language):
        names = {str(p) for p in Product.objects.all()}
    assert ("میزبانی ابری" in names) == (language == "fa")
    assert ("Cloud hosting" in names) == (language == "en")


def test_flash_messages_on_persian_pages_use_persian_digits(client, customer):
    customer.language = "fa"
    customer.save()
    client.force_login(customer)
    answer = client.post(
        "/portal/requests/new/", {"subject": "چاپگر", "description": "کار نمی‌کند", "impact": "blocks"}, follow=True
    )
    number = Ticket.objects.get().pk
    html = answer.content.decode()
    assert f"#{dates.persian_digits(str(number))}" in html
    assert f"#{number}" not in html.split('class="flash"')[1].split("</ul>")[0]


def test_feedback_pages_name_the_product_in_the_readers_language(client, agent):
    from tickets.feedback.services import feedback_item_create

    product = Product.objects.create(name="Cloud hosting", name_fa="میزبانی ابری", code="cloud")
    item = feedback_item_create(actor=agent, title="Export to CSV", product=product)
    agent.language = "fa"
    agent.save()
    client.force_login(agent)
    for path in ("/agent/feedback/", f"/agent/feedback/{item.pk}/"):
        html = client.get(path).content.decode()
        assert "میزبانی ابری" in html and "Cloud hosting" not in html, path
