"""Page messages write our numbers in Persian digits in fa and keep the digits of what people typed (a
problem's title, a saved view's name) exactly as typed (helpdesk.dates.fill)."""

import re

import pytest
from django.urls import reverse

from helpdesk.dates import persian_digits
from tickets.problems import services as problem_services

pytestmark = pytest.mark.django_db


def flash(response) -> str:
    found = re.search(r'<ul class="flash"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert found, "no page message"
    return re.sub(r"<[^>]+>", " ", found.group(1))


def speaking(client, user, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def link_three(client, agent, make):
    problem = problem_services.problem_create(actor=agent, title="Router 5000 reboots")
    tickets = [make(subject=f"Router {n}") for n in range(3)]
    data = {"tickets": [t.pk for t in tickets], "action": "problem", "problem": problem.pk}
    return client.post(reverse("agent:ticket-bulk"), data, follow=True)


def test_a_count_is_persian_and_a_typed_title_keeps_its_digits_in_fa(client, agent, make):
    message = flash(link_three(speaking(client, agent, "fa"), agent, make))
    assert "۳" in message and "Router 5000 reboots" in message
    assert "۵۰۰۰" not in message and "3" not in message.replace("Router 5000", "")


def test_the_same_message_in_english_keeps_latin_digits(client, agent, make):
    message = flash(link_three(speaking(client, agent, "en"), agent, make))
    assert "3 tickets linked to “Router 5000 reboots”." in message


def test_a_saved_views_name_keeps_its_digits_in_fa(client, agent):
    page = speaking(client, agent, "fa").post(
        reverse("agent:view-save"),
        {"name": "Queue 42 (2026)", "query": "view=open", "columns": ["subject"]},
        follow=True,
    )
    message = flash(page)
    assert "Queue 42 (2026)" in message and "۴۲" not in message


def test_a_ticket_number_in_a_message_is_persian_in_fa(client, agent, make):
    ticket, other = make(subject="Printer 12"), make(subject="Printer 13")
    page = speaking(client, agent, "fa").post(
        reverse("agent:ticket-link", args=[ticket.pk]), {"action": "related", "number": str(other.pk)}, follow=True
    )
    assert "#" + persian_digits(str(other.pk)) in flash(page)
