"""The duration of a logged call as agents type it: minutes ("90") or hours:minutes ("1:30" is an
hour and a half), in Latin or Persian digits; anything else is refused with a message naming the
accepted forms, in the agent's language. The call is stored in minutes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tickets.calls import call_duration_read
from tickets.models import EventKind, Ticket
from tickets.workspace.call_forms import CallForm

ACCEPTED_FORMS = "Type minutes (90) or hours:minutes (1:30)."
ACCEPTED_FORMS_FA = "دقیقه (۹۰) یا ساعت:دقیقه (۱:۳۰) بنویسید."


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("90", 90),
        ("1:30", 90),
        ("۱:۳۰", 90),
        ("۹۰", 90),
        ("١:٣٠", 90),  # Arabic-Indic digits, as some keyboards type them
        (" 0:05 ", 5),
        ("0", 0),  # a call nobody answered
        ("24:00", 24 * 60),
        ("", None),
    ],
)
def test_a_call_duration_is_read_as_agents_type_it(typed, minutes):
    assert call_duration_read(typed) == minutes


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", ACCEPTED_FORMS),
        ("-5", ACCEPTED_FORMS),
        ("1.5", ACCEPTED_FORMS),
        ("1:3", ACCEPTED_FORMS),
        ("1:75", "Minutes after the colon go up to 59, as in 1:30."),
        ("24:01", "A call lasts at most 24 hours (24:00)."),
        ("1441", "A call lasts at most 24 hours (24:00)."),
    ],
)
def test_a_bad_call_duration_is_refused_with_a_message(typed, message):
    with pytest.raises(ValidationError) as refused:
        call_duration_read(typed)
    assert refused.value.messages == [message]


def _form(duration: str) -> CallForm:
    data = {"contact": 1, "direction": "inbound", "duration": duration, "notes": "n", "subject": "s"}
    return CallForm(data | {"priority": "normal"})


@pytest.mark.parametrize(("typed", "minutes"), [("1:30", 90), ("۱:۳۰", 90), ("90", 90), ("۹۰", 90)])
def test_the_call_form_cleans_the_duration_to_minutes(typed, minutes):
    form = _form(typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["duration"] == minutes


def test_the_call_form_says_the_accepted_forms_in_english_and_persian():
    assert _form("abc").errors["duration"] == [ACCEPTED_FORMS]
    assert _form("").errors["duration"] == ["This field is required."]
    with translation.override("fa"):
        assert _form("abc").errors["duration"] == [ACCEPTED_FORMS_FA]
        assert str(CallForm().fields["duration"].help_text) == "دقیقه (۹۰) یا ساعت:دقیقه (۱:۳۰)."


def _post(client, requester, duration: str, subject: str):
    data = {"contact": requester.pk, "direction": "inbound", "duration": duration, "notes": "n", "subject": subject}
    return client.post(reverse("agent:call-new"), data | {"priority": "normal"})


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["1:30", "۱:۳۰", "90", "۹۰"])
def test_a_call_logged_from_the_page_stores_its_duration_in_minutes(agent_client, requester, typed):
    response = _post(agent_client, requester, typed, subject=f"Call {typed}")
    ticket = Ticket.objects.get(subject=f"Call {typed}")
    assert response.status_code == 302 and response["Location"].endswith(f"/{ticket.pk}/")
    assert ticket.events.get(kind=EventKind.CALL_LOGGED).data["duration_minutes"] == 90


@pytest.mark.django_db
def test_the_call_page_shows_the_format_and_refuses_a_bad_duration_in_the_agents_language(
    agent, agent_client, requester
):
    page = agent_client.get(reverse("agent:call-new"), {"contact": requester.pk}).content.decode()
    assert "Minutes (90) or hours:minutes (1:30)." in page
    response = _post(agent_client, requester, "1:75", subject="Bad")
    assert response.status_code == 400
    assert "Minutes after the colon go up to 59, as in 1:30." in response.content.decode()
    agent.language = "fa"
    agent.save()
    response = _post(agent_client, requester, "abc", subject="Bad")
    assert response.status_code == 400 and ACCEPTED_FORMS_FA in response.content.decode()
    assert not Ticket.objects.filter(subject="Bad").exists()
