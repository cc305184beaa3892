"""Each SLA mail's subject names its target (first response, next response, resolution) or its
escalation step, in English and Persian, so two warnings about one ticket are told apart."""

from types import SimpleNamespace

import pytest

from helpdesk.mail import mail_render

TICKET = SimpleNamespace(pk=31, subject="Flush test new ticket")


def subject(template: str, language: str = "en", **context) -> str:
    return mail_render(template=template, language=language, context={"ticket": TICKET, **context}).subject


def test_the_two_warnings_of_a_ticket_have_different_subjects():
    assert (
        subject("sla_warning", target="first_response") == "[#31] SLA: first response due soon: Flush test new ticket"
    )
    assert subject("sla_warning", target="resolution") == "[#31] SLA: resolution due soon: Flush test new ticket"
    assert subject("sla_warning", target="next_response") == "[#31] SLA: next response due soon: Flush test new ticket"


def test_the_two_breaches_of_a_ticket_have_different_subjects():
    assert (
        subject("sla_breached", target="first_response") == "[#31] SLA breached: first response: Flush test new ticket"
    )
    assert subject("sla_breached", target="resolution") == "[#31] SLA breached: resolution: Flush test new ticket"


def test_each_escalation_step_names_its_number():
    assert subject("sla_escalated", step=2) == "[#31] Escalated, step 2: Flush test new ticket"


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("sla_warning", {"target": "first_response"}),
        ("sla_warning", {"target": "resolution"}),
        ("sla_breached", {"target": "first_response"}),
        ("sla_breached", {"target": "resolution"}),
        ("sla_escalated", {"step": 2}),
    ],
)
def test_the_subjects_are_in_persian_for_persian_readers(template, context):
    text = subject(template, "fa", **context)
    assert text.startswith("[#31] ") and text.endswith(": Flush test new ticket")
    assert not any("a" <= letter <= "z" for letter in text[6 : -len(": Flush test new ticket")].lower())


def test_persian_subjects_tell_the_two_warnings_apart():
    first = subject("sla_warning", "fa", target="first_response")
    assert first != subject("sla_warning", "fa", target="resolution")
    assert "۲" in subject("sla_escalated", "fa", step=2)
