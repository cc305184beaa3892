"""The sidebar's small forms (log time, refer, link) come back after a refusal with what was typed and
the error beside its field, in English and Persian, without JavaScript too (plain forms)."""

import pytest
from django.urls import reverse

from tickets.models import Referral, TicketLink, TimeEntry


@pytest.fixture(params=["en", "fa"])
def agent_page(request, client, agent):
    agent.language = request.param
    agent.save(update_fields=["language"])
    client.force_login(agent)
    return client, request.param


def _field_error(page: str, text: str) -> bool:
    return f'<div class="field-error" role="alert">{text}' in page or f'role="alert">{text}' in page


def test_log_time_with_a_bad_date_keeps_what_was_typed(agent_page, ticket):
    client, language = agent_page
    date = "۱۴۰۵/۱۳/۴۰" if language == "fa" else "2026-13-40"
    typed = {"minutes": "1:30", "performed_on": date, "note": "Called the vendor"}
    page = client.post(reverse("agent:ticket-time-add", args=[ticket.pk]), typed).content.decode()
    assert 'value="1:30"' in page and f'value="{date}"' in page and 'value="Called the vendor"' in page
    assert 'class="has-error"' in page and 'class="field-error"' in page
    if language == "fa":
        assert "تقویم" in page  # the Jalali date's own message, beside the date
    assert not TimeEntry.objects.exists()


def test_refer_without_a_team_keeps_the_note(agent_page, ticket):
    client, language = agent_page
    page = client.post(reverse("agent:ticket-refer", args=[ticket.pk]), {"note": "Is the refund approved?"})
    body = page.content.decode()
    assert "Is the refund approved?</textarea>" in body and 'class="field-error"' in body
    assert ("This field is required." if language == "en" else "الزامی است") in body
    assert not Referral.objects.exists()


def test_link_to_a_missing_ticket_keeps_the_number(agent_page, ticket):
    client, language = agent_page
    page = client.post(reverse("agent:ticket-link", args=[ticket.pk]), {"action": "related", "number": "۹۹۹۹"})
    body = page.content.decode()
    assert 'value="۹۹۹۹"' in body and 'id="link-number-error"' in body
    assert ("There is no ticket #9999." if language == "en" else "وجود ندارد") in body
    assert not TicketLink.objects.exists()


def test_a_customer_cannot_reach_the_sidebar_forms(client, customer, acme_ticket):
    client.force_login(customer)
    forms = (("ticket-refer", {"note": "x"}), ("ticket-link", {"number": "1"}), ("ticket-time-add", {"note": "x"}))
    for name, data in forms:
        response = client.post(reverse(f"agent:{name}", args=[acme_ticket.pk]), data)
        assert response.status_code in (302, 403, 404) and b"field-error" not in response.content
