""" "Solve the problem" replies to each incident's customer in their language: the English and the
Persian text (at least one), the other one when theirs is empty; pages and API through the same
service; the reply mail opens in the direction of the text it starts with."""

import pytest
from django.core.exceptions import ValidationError

from customers.models import Contact
from helpdesk.mail import RLM, mail_render
from helpdesk.models import NotificationLog
from helpdesk.outbox.sending import notification_send
from tickets.models import Message, Problem, ProblemSolveJob, Status, Ticket
from tickets.problems import services
from tickets.problems.solving import problem_solve_batch

pytestmark = pytest.mark.django_db

ENGLISH = "We replaced the VPN gateway."
PERSIAN = "درگاه وی‌پی‌ان را عوض کردیم."


@pytest.fixture
def readers(customer, colleague):
    """The customer reads English; her colleague Persian (set on the contact, the login has no choice)."""
    Contact.objects.filter(user=customer).update(language="en")
    Contact.objects.filter(user=colleague).update(language="fa")
    return {"en": customer, "fa": colleague}


def _run(job):
    while problem_solve_batch(job_id=job.pk, limit=2):
        pass


def _reply(ticket, agent) -> str:
    return Message.objects.get(ticket=ticket, author_user=agent).body_text


def _mails(ticket, mailoutbox) -> list:
    """The reply mails of `ticket`'s outbox rows, sent as the worker sends them."""
    start = len(mailoutbox)
    for row in NotificationLog.objects.filter(template="agent_reply", ticket_id=ticket.pk, sent_at__isnull=True):
        assert notification_send(notification_id=row.pk)
    return mailoutbox[start:]


def test_each_customer_gets_the_reply_in_their_language(problem, incidents, agent, readers, mailoutbox):
    _run(services.problem_solve(problem=problem, actor=agent, reply=ENGLISH, reply_fa=PERSIAN))
    english, persian = incidents[0], incidents[1]
    assert _reply(english, agent) == ENGLISH and _reply(persian, agent) == PERSIAN
    [mail_en] = _mails(english, mailoutbox)
    [mail_fa] = _mails(persian, mailoutbox)
    assert ENGLISH in mail_en.body and PERSIAN not in mail_en.body and not mail_en.body.startswith(RLM)
    assert mail_en.extra_headers["Content-Language"] == "en"
    assert PERSIAN in mail_fa.body and ENGLISH not in mail_fa.body and mail_fa.body.startswith(RLM)
    assert mail_fa.extra_headers["Content-Language"] == "fa"
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in incidents]).values_list("status", flat=True)) == {
        Status.SOLVED
    }


def test_a_reader_whose_text_is_empty_gets_the_other_one(problem, incidents, agent, readers, mailoutbox):
    _run(services.problem_solve(problem=problem, actor=agent, reply=ENGLISH))
    assert _reply(incidents[1], agent) == ENGLISH
    [mail_fa] = _mails(incidents[1], mailoutbox)
    # Persian mail (layout, footer) whose text opens in English: no right-to-left mark before it
    assert mail_fa.extra_headers["Content-Language"] == "fa" and mail_fa.body.startswith(ENGLISH)
    assert '<html lang="fa" dir="rtl">' in mail_fa.alternatives[0][0]


def test_english_readers_get_the_persian_text_when_only_it_is_given(problem, incidents, agent, readers):
    _run(services.problem_solve(problem=problem, actor=agent, reply_fa=PERSIAN))
    assert _reply(incidents[0], agent) == PERSIAN and _reply(incidents[1], agent) == PERSIAN


def test_a_contact_without_a_language_gets_the_site_default(settings, problem, incidents, agent, customer):
    settings.LANGUAGE_CODE = "fa"
    Contact.objects.filter(user=customer).update(language="")
    _run(services.problem_solve(problem=problem, actor=agent, reply=ENGLISH, reply_fa=PERSIAN))
    assert _reply(incidents[0], agent) == PERSIAN


def test_solving_the_incidents_needs_a_reply_in_one_language(problem, incidents, agent):
    with pytest.raises(ValidationError) as caught:
        services.problem_solve(problem=problem, actor=agent, reply=" ", reply_fa="")
    assert "reply" in caught.value.message_dict
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.OPEN
    assert not ProblemSolveJob.objects.exists()


def test_the_page_takes_both_texts_and_refuses_neither(agent_client, problem, incidents):
    url = f"/agent/problems/{problem.pk}/solve/"
    refused = agent_client.post(url, {"solve_incidents": "on", "reply": "", "reply_fa": ""})
    assert refused.status_code == 400 and "Write the reply in English or in Persian" in refused.content.decode()
    assert agent_client.post(url, {"solve_incidents": "on", "reply_fa": PERSIAN}).status_code == 302
    job = ProblemSolveJob.objects.get(problem=problem)
    assert (job.reply, job.reply_fa) == ("", PERSIAN)


def test_the_persian_page_refuses_neither_in_persian(client, agent, problem, incidents):
    client.force_login(agent)
    response = client.post(f"/agent/problems/{problem.pk}/solve/", {"solve_incidents": "on"}, HTTP_ACCEPT_LANGUAGE="fa")
    page = response.content.decode()
    assert response.status_code == 400 and "پاسخ را به انگلیسی یا فارسی" in page
    assert "همین پاسخ به فارسی" in page  # the Persian box's label


def test_the_api_takes_both_texts_and_refuses_neither(as_user, agent, problem, incidents):
    url = f"/api/v1/problems/{problem.pk}/solve/"
    refused = as_user(agent).post(url, {"reply": ""}, format="json")
    assert refused.status_code == 400 and "reply" in refused.json()["errors"]
    response = as_user(agent).post(url, {"reply": ENGLISH, "reply_fa": PERSIAN}, format="json")
    assert response.status_code == 202
    job = ProblemSolveJob.objects.get(problem=problem)
    assert (job.reply, job.reply_fa) == (ENGLISH, PERSIAN)


@pytest.mark.parametrize(
    ("body", "marked"),
    [
        (ENGLISH, False),  # an English reply to a Persian reader keeps its left-to-right direction
        (PERSIAN, True),
        ("Shirin عزیز، سلام،\n\nThe printer works.", True),  # a Persian paragraph that opens with a Latin name
    ],
)
def test_a_persian_plain_text_mail_opens_in_its_first_paragraphs_direction(ticket, body, marked):
    message = Message(ticket=ticket, body_text=body, body_html=body)
    text = mail_render(template="agent_reply", language="fa", context={"ticket": ticket, "message": message}).text
    assert text.startswith(RLM) is marked
    english = mail_render(template="agent_reply", language="en", context={"ticket": ticket, "message": message})
    assert not english.text.startswith(RLM)
