"""Django's own admin text that its Persian catalogue leaves in English reads in Persian here
(helpdesk/third_party_strings.py and .js list it for ours; helpdesk/security/otp_apps.py names
django-otp's apps and models; helpdesk.admin.delete_selected)."""

import json
import re

import pytest

from helpdesk import dates
from helpdesk.models import Team
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def persian_admin(client, admin_user):
    admin_user.language = "fa"
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    return client


def test_adding_a_user_reads_in_persian(persian_admin):
    page = persian_admin.get("/admin/helpdesk/user/add/").content.decode()
    assert "ورود با گذرواژه" in page and "غیرفعال" in page
    assert "Password-based authentication" not in page and "Single Sign-On or LDAP" not in page


def test_changing_a_user_reads_in_persian(persian_admin, agent):
    page = persian_admin.get(f"/admin/helpdesk/user/{agent.pk}/change/").content.decode()
    assert "بازنشانی گذرواژه" in page and "راهی برای دیدن گذرواژهٔ کاربر نیست" in page
    assert "Reset password" not in page and "Raw passwords are not stored" not in page


def test_an_invited_user_without_a_password_reads_in_persian(persian_admin, agent):
    agent.set_unusable_password()
    agent.save(update_fields=["password"])
    page = persian_admin.get(f"/admin/helpdesk/user/{agent.pk}/change/").content.decode()
    assert "گذرواژه‌ای تعیین نشده است." in page and "ورود با گذرواژه را برای این کاربر فعال کنید" in page
    assert "هیچ رمزی" not in page and "Enable password-based authentication" not in page


def test_a_form_that_did_not_validate_says_so_in_persian(persian_admin):
    page = persian_admin.post("/admin/helpdesk/user/add/", {"email": "not an address"}).content.decode()
    assert "لطفاً خطا" in page and "Please correct the error" not in page


def js_catalogue(client) -> dict:
    """The admin's JavaScript catalogue ({} when the language needs none)."""
    script = client.get("/admin/jsi18n/").content.decode()
    found = re.search(r"const newcatalog = (\{.*?\});", script, re.S)
    return json.loads(found.group(1)) if found else {}


def test_the_pickers_of_many_to_many_fields_read_in_persian(persian_admin):
    catalogue = js_catalogue(persian_admin)
    assert catalogue["Choose all %s"] == "افزودن همهٔ %s" and catalogue["Remove all %s"] == "حذف همهٔ %s"
    assert catalogue["Choose selected %s"] and catalogue["Remove selected %s"]
    assert catalogue["Filter"] == "غربال" and catalogue["Available %s"]  # Django's own, still there


def test_the_english_admin_keeps_the_pickers_english(client, admin_user):
    client.force_login(admin_user)
    assert "Choose all %s" not in js_catalogue(client)


def test_two_factor_devices_are_named_in_persian_in_the_admin(persian_admin):
    index = persian_admin.get("/admin/").content.decode()
    assert "ورود دو مرحله‌ای: برنامه‌های احراز هویت" in index and "ورود دو مرحله‌ای: کدهای بازیابی" in index
    assert "Otp_Totp" not in index and "TOTP devices" not in index and "Static devices" not in index
    assert "Model name" not in index
    devices = persian_admin.get("/admin/otp_totp/totpdevice/").content.decode()
    assert "زمان آخرین استفاده" in devices and "last used at" not in devices


def test_deleting_selected_records_reads_in_persian_with_persian_counts(persian_admin):
    teams = [TeamFactory(name=f"Line {n}") for n in range(3)]
    listing = persian_admin.get("/admin/helpdesk/team/").content.decode()
    assert "حذف موارد انتخاب‌شده از تیم‌ها" in listing and "های انتخاب شده" not in listing
    chosen = {"action": "delete_selected", "_selected_action": [t.pk for t in teams]}
    confirm = persian_admin.post("/admin/helpdesk/team/", chosen).content.decode()
    assert "آیا از حذف این تیم‌ها مطمئن هستید؟" in confirm and "تیم‌ها: ۳" in confirm
    done = persian_admin.post("/admin/helpdesk/team/", {**chosen, "post": "yes"}, follow=True).content.decode()
    assert "حذف انجام شد: ۳ مورد از تیم‌ها." in done
    assert not Team.objects.filter(pk__in=[t.pk for t in teams]).exists()


def test_deleting_selected_records_in_english_is_djangos(client, admin_user):
    client.force_login(admin_user)
    teams = [TeamFactory() for _ in range(2)]
    chosen = {"action": "delete_selected", "_selected_action": [t.pk for t in teams], "post": "yes"}
    done = client.post("/admin/helpdesk/team/", chosen, follow=True).content.decode()
    assert "Successfully deleted 2 teams." in done


def test_an_agent_cannot_delete_selected_records(client, agent):
    team = TeamFactory()
    client.force_login(agent)
    chosen = {"action": "delete_selected", "_selected_action": [team.pk], "post": "yes"}
    response = client.post("/admin/helpdesk/team/", chosen)
    assert response.status_code in (302, 403, 404)
    assert Team.objects.filter(pk=team.pk).exists()


def test_a_change_list_counts_its_rows_in_persian(persian_admin, client, admin_user):
    TeamFactory.create_batch(2)
    count = Team.objects.count()
    page = persian_admin.get("/admin/helpdesk/team/").content.decode()
    paginator = re.search(r'<p class="paginator">(.*?)</p>', page, re.S).group(1)
    assert f"{dates.persian_digits(str(count))} تیم" in paginator and "تیم‌ها" not in paginator
    admin_user.language = "en"
    admin_user.save(update_fields=["language"])
    english = client.get("/admin/helpdesk/team/").content.decode()
    assert f"{count} teams" in re.search(r'<p class="paginator">(.*?)</p>', english, re.S).group(1)


@pytest.fixture
def two_per_page(monkeypatch):
    """The team change list two rows a page, so "select all N" is offered."""
    from django.contrib import admin

    monkeypatch.setattr(admin.site._registry[Team], "list_per_page", 2)


def test_the_search_count_and_the_selection_notes_read_in_persian(persian_admin, two_per_page):
    TeamFactory(name="Billing desk")  # one the search leaves out, so the count shows
    for n in range(3):
        TeamFactory(name=f"Line {n}")
    total = dates.persian_digits(str(Team.objects.count()))
    page = persian_admin.get("/admin/helpdesk/team/", {"q": "Line"}).content.decode()
    toolbar = re.search(r'<div id="toolbar">(.*?)</form>', page, re.S).group(1)
    assert "۳ نتیجه" in toolbar and f"در مجموع {total} تا" in toolbar
    assert not re.search(r"[0-9]", re.sub(r"<[^>]*>|value=\"[^\"]*\"", "", toolbar))  # no Latin digit shown
    counter = re.search(r'<div class="actions">(.*?)</div>', page, re.S).group(1)
    assert "۰ از ۲ انتخاب شده‌اند" in counter and "همه موارد ۳ انتخاب شده" in counter
    assert "انتخاب تمامی ۳ " in counter


def test_the_search_count_and_the_selection_notes_stay_djangos_in_english(client, admin_user, two_per_page):
    client.force_login(admin_user)
    TeamFactory(name="Billing desk")  # one the search leaves out, so the count shows
    for n in range(3):
        TeamFactory(name=f"Line {n}")
    page = client.get("/admin/helpdesk/team/", {"q": "Line"}).content.decode()
    assert "3 results" in page and f"{Team.objects.count()} total" in page
    assert "0 of 2 selected" in page and "All 3 selected" in page and "Select all 3 teams" in page


@pytest.mark.parametrize(("language", "first", "second"), [("fa", "۱", "۲"), ("en", "1", "2")])
def test_the_sorting_priority_of_list_columns_is_in_the_readers_digits(client, admin_user, language, first, second):
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    TeamFactory(name="Line one")
    page = client.get("/admin/helpdesk/team/?o=1.-3").content.decode()
    priorities = re.findall(r'<span class="sortpriority" title="([^"]*)">([^<]*)</span>', page)
    assert [shown for _, shown in priorities] == [first, second]
    assert all(title.endswith(shown) for title, shown in priorities)


@pytest.mark.parametrize(("language", "shown"), [("fa", "۱۲"), ("en", "12")])
def test_whole_numbers_in_a_list_are_in_the_readers_digits(client, admin_user, language, shown):
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    TeamFactory(name="Line one", max_open_per_agent=12)
    page = client.get("/admin/helpdesk/team/").content.decode()
    assert re.search(f'<td class="field-max_open_per_agent">{shown}</td>', page), page[-3000:]


@pytest.mark.parametrize(("value", "shown"), [(7, "۷"), (2.5, "۲٫۵"), (True, "True")])
def test_a_number_a_column_computes_is_in_persian_digits(value, shown):
    from django.contrib.admin import utils
    from django.utils import translation

    with translation.override("fa"):
        assert utils.display_for_value(value, "-") == shown
