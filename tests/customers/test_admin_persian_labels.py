"""The calendar and SLA policy pages of the admin in Persian: every column of their inline tables is named
in Persian, and the label above each saved row (its str()) writes its numbers in Persian digits."""

import re

from django.utils import translation

from customers.models import EscalationStep
from helpdesk import dates


def _headers(page: str, group: str) -> list[str]:
    table = page[page.index(f'id="{group}-group"') :]
    table = table[: table.index("</thead>")]
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<th[^>]*>([^<]*)", table)]


def test_the_escalation_steps_columns_and_rows_read_in_persian(persian_admin_client, standard_policy, agent):
    EscalationStep.objects.create(policy=standard_policy, minutes_after_breach=30, action="notify_user", user=agent)
    page = persian_admin_client.get(f"/admin/customers/slapolicy/{standard_policy.pk}/change/").content.decode()
    headers = _headers(page, "escalation_steps")
    assert "تیم" in headers and "شخص" in headers, headers
    assert not [text for text in headers if re.search("[A-Za-z]", text)], headers
    assert "۳۰ دقیقه پس از نقض: آگاه‌سازی یک نفر" in page
    assert "30 min" not in page


def test_the_working_periods_row_labels_write_persian_digits(persian_admin_client, calendar):
    page = persian_admin_client.get(f"/admin/customers/businesscalendar/{calendar.pk}/change/").content.decode()
    assert "۰۸:۰۰–۱۶:۰۰" in page
    assert "08:00–16:00" not in page


def test_in_english_the_labels_stay_english(admin_client, standard_policy, calendar, agent):
    step = EscalationStep.objects.create(policy=standard_policy, minutes_after_breach=30, action="notify_team_lead")
    assert str(step) == "30 min after the breach: Notify the team lead"
    assert str(calendar.periods.first()).endswith(" 08:00–16:00")
    page = admin_client.get(f"/admin/customers/slapolicy/{standard_policy.pk}/change/").content.decode()
    assert {"Team", "Person"} <= set(_headers(page, "escalation_steps"))


def test_an_erasure_request_and_a_privacy_action_are_named_in_persian(persian_admin_client, customer):
    from customers import services
    from customers.models import Contact, PrivacyAction

    contact = Contact.objects.get(user=customer)
    asked = services.erasure_request_create(contact=contact, actor=customer, confirm=customer.email)
    page = persian_admin_client.get(f"/admin/customers/erasurerequest/{asked.pk}/change/").content.decode()
    number, contact_number = (dates.persian_digits(str(n)) for n in (asked.pk, contact.pk))
    assert f"درخواست پاک کردن داده‌ها {number} از مخاطب {contact_number} (در انتظار)" in page
    assert "erasure request" not in page and "pending" not in page
    action = PrivacyAction.objects.create(kind="export", contact=contact, contact_ref=contact.pk)
    with translation.override("fa"):
        assert str(action).endswith(f": مخاطب {contact_number}") and "export" not in str(action)
    with translation.override("en"):
        assert str(asked) == f"Erasure request {asked.pk} of contact {contact.pk} (Pending)"
        assert str(action) == f"Data exported: contact {contact.pk}"
