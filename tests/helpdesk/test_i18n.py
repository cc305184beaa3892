import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from helpdesk.dates import to_jalali

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.django_db
def test_a_page_in_persian_is_right_to_left_with_persian_text(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="fa")
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "ورود" in html  # "Sign in"


@pytest.mark.django_db
def test_a_page_in_english_is_left_to_right(client):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Sign in" in html


@pytest.mark.django_db
def test_every_page_has_a_language_switcher(client):
    html = client.get("/login/").content.decode()
    assert 'name="language" value="fa"' in html and 'name="language" value="en"' in html


@pytest.mark.django_db
def test_the_switcher_marks_the_pages_language_and_returns_to_the_page(client):
    """Its buttons are written once per language ({% kept %}): each language's page marks its
    own, and the form carries this page's path and a token of this request."""

    def switcher(path: str, language: str) -> str:
        html = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        return html[html.index('<form class="langswitch"') : html.index("</form>", html.index('class="langswitch"'))]

    for _ in range(2):  # written, then from the cache
        for language, other in (("en", "fa"), ("fa", "en")):
            form = switcher("/login/?next=/agent/", language)
            assert re.search(rf'value="{language}" lang="{language}"\s+aria-current="true" class="current"', form)
            assert not re.search(rf'value="{other}" lang="{other}"\s+aria-current', form)
            assert '<input type="hidden" name="next" value="/login/?next=/agent/">' in form
            assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/kb/"' in switcher("/kb/", "fa")


@pytest.mark.django_db
def test_switching_language_is_remembered_in_the_profile(client, agent):
    client.force_login(agent)
    client.post("/i18n/setlang/", {"language": "fa", "next": "/agent/"})
    agent.refresh_from_db()
    assert agent.language == "fa"
    html = client.get("/agent/").content.decode()
    assert 'dir="rtl"' in html


def test_jalali_new_year_1405_is_21_march_2026():
    assert to_jalali(date(2026, 3, 21)) == "1405-01-01"
    assert to_jalali(date(2026, 3, 20)) == "1404-12-29"


def test_date_filter_shows_jalali_with_persian_digits_in_fa_and_gregorian_in_en():
    template = Template("{% load helpdesk %}{{ value|hd_date }}")
    moment = datetime(2026, 3, 21, 12, 0, tzinfo=UTC)
    with translation.override("fa"):
        assert template.render(Context({"value": moment})) == "۱۴۰۵/۰۱/۰۱"
    with translation.override("en"):
        assert template.render(Context({"value": moment})) == "March 21, 2026"


@pytest.mark.parametrize(
    ("template", "value", "english", "persian"),
    [
        ("{{ value|hd_number }}", 1405, "1405", "۱۴۰۵"),
        ("{{ value|hd_number }}", 256.0, "256", "۲۵۶"),  # minutes: no ".0"
        ("{{ value|hd_number }}", Decimal("36.44"), "36.4", "۳۶٫۴"),  # the Persian decimal sign
        ('{{ value|floatformat:"-2g"|hd_number }}', Decimal("1234567.5"), "1,234,567.50", "۱٬۲۳۴٬۵۶۷٫۵۰"),
        ("{{ value|hd_percent }}", 36.4, "36.4%", "۳۶٫۴٪"),  # the Persian percent sign after the number
        ("{{ value|hd_percent }}", 100.0, "100%", "۱۰۰٪"),
        ("{{ value|hd_filesize }}", 129126, "126.1\xa0KB", "۱۲۶٫۱"),
    ],
)
def test_numbers_read_as_each_language_writes_them(template, value, english, persian):
    template = Template("{% load helpdesk %}" + template)
    with translation.override("en"):
        assert template.render(Context({"value": value})) == english
    with translation.override("fa"):
        shown = template.render(Context({"value": value}))
    assert shown.startswith(persian) and not re.search(r"[0-9.%]", shown)


@pytest.mark.parametrize(
    ("value", "english", "persian"),
    [
        (129126, "126.1\xa0KB", "۱۲۶٫۱\xa0کیلوبایت"),
        (5 * 1024 * 1024, "5.0\xa0MB", "۵٫۰\xa0مگابایت"),
        (3 * 1024**3, "3.0\xa0GB", "۳٫۰\xa0گیگابایت"),
        (98, "98\xa0bytes", "۹۸\xa0بایت"),
    ],
)
def test_a_file_size_names_its_unit_in_the_readers_language(value, english, persian):
    """Django's Persian catalogue leaves "KB", "MB" and "GB" in Latin letters: "۱۴۶٫۵ KB" under a
    customer's attachment, and in the mails that list the files left out."""
    template = Template("{% load helpdesk %}{{ value|hd_filesize }}")
    with translation.override("en"):
        assert template.render(Context({"value": value})) == english
    with translation.override("fa"):
        assert template.render(Context({"value": value})) == persian


def test_datetime_filter_uses_the_active_time_zone():
    from django.utils import timezone

    template = Template("{% load helpdesk %}{{ value|hd_datetime }}")
    moment = datetime(2026, 3, 20, 21, 0, tzinfo=UTC)  # 00:30 on 1 Farvardin in Tehran
    with translation.override("fa"), timezone.override("Asia/Tehran"):
        assert template.render(Context({"value": moment})) == "۱۴۰۵/۰۱/۰۱ ۰۰:۳۰"


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 20, 20, 29, tzinfo=UTC),  # the last minute of 1404 in Tehran
        datetime(2026, 3, 20, 20, 30, tzinfo=UTC),  # the first of 1405
        datetime(2025, 3, 20, 9, 1, tzinfo=UTC),  # 1403 was a leap year: 30 Esfand
        datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
    ],
)
def test_a_persian_moment_is_what_jdatetime_writes(moment):
    """dates.format_datetime writes the Jalali moment itself (no strftime): the same text."""
    import jdatetime
    from django.utils import timezone

    from helpdesk.dates import format_datetime, persian_digits

    with timezone.override("Asia/Tehran"):
        local = timezone.localtime(moment)
        expected = persian_digits(jdatetime.datetime.fromgregorian(datetime=local).strftime("%Y/%m/%d %H:%M"))
        assert format_datetime(moment, "fa") == expected


def test_no_persian_message_is_untranslated_or_fuzzy():
    po_files = sorted(LOCALE_DIR.glob("fa/LC_MESSAGES/*.po"))
    assert po_files, "locale/fa has no .po file"
    problems = []
    for po in po_files:
        blocks = [b for b in po.read_text(encoding="utf-8").split("\n\n") if 'msgid "' in b]
        for block in blocks[1:]:  # the first block is the header
            if "#, fuzzy" in block:
                problems.append(f"{po.name}: fuzzy: {block.splitlines()[-2] if len(block.splitlines()) > 1 else block}")
                continue
            for match in re.finditer(r'msgstr(?:\[\d\])? ""\n?((?:".*"\n?)*)', block):
                if not match.group(1).strip():
                    msgid = re.search(r'msgid "(.*)"', block).group(1)
                    problems.append(f"{po.name}: untranslated: {msgid!r}")
    assert not problems, "\n".join(problems)


def test_text_people_type_in_any_form_takes_its_own_direction():
    from django import forms

    class Note(forms.Form):
        title = forms.CharField()
        body = forms.CharField(widget=forms.Textarea)
        code = forms.CharField(widget=forms.TextInput(attrs={"dir": "ltr"}))

    html = str(Note().as_div())
    assert '<input type="text" name="title" dir="auto"' in html
    assert '<textarea name="body" dir="auto"' in html
    assert 'name="code" dir="ltr"' in html and 'name="code" dir="auto"' not in html


def test_the_apis_refusals_read_in_persian(customer, agent):
    from tests.conftest import api_as

    denied = api_as(customer).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="fa")
    assert denied.status_code == 403 and denied.json()["detail"] == "اعلان‌ها فقط برای کارشناسان است."
    body = {"subject": "Printer", "body": "Hello", "requester": customer.contact.pk, "product": 99999}
    refused = api_as(agent).post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="fa")
    assert refused.status_code == 400
    assert refused.json()["errors"]["product"] == ["شناسهٔ «99999» نامعتبر است: چنین موردی وجود ندارد."]
    english = api_as(agent).post("/api/v1/tickets/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["errors"]["product"] == ['Invalid pk "99999" - object does not exist.']
