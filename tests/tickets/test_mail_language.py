"""Mail in the reader's language: customers get theirs (profile, switcher, else a guess from their first
email), agents get their own; Persian mail is right to left, with a Persian subject and Jalali dates.

Mail goes through the real outbox (`notification_send`) into Django's test mail backend.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from customers.models import Contact
from helpdesk.dates import persian_digits
from helpdesk.models import NotificationLog, User
from helpdesk.outbox.sending import notification_send
from tests import factories
from tests.conftest import start_worker, stop_worker, wait_for
from tests.tickets.conftest import make_mail
from tickets import services
from tickets.email.ingest import email_ingest
from tickets.models import Referral, Ticket
from tickets.sla.escalation import referral_sweep

pytestmark = pytest.mark.django_db

RLM = "\u200f"
PERSIAN_SUBJECT = "چاپگر کار نمی‌کند"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shirin(organization) -> User:
    """A customer with a portal login; her profile language is still the default ("as my browser")."""
    return factories.ContactFactory(
        organization=organization, email="shirin@acme.test", full_name="Shirin", with_login=True
    ).user


@pytest.fixture
def portal(shirin) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(shirin)
    return client


def _send_all(mailoutbox, *, to: str) -> list:
    """Send every unsent outbox row (as the worker would) and return the mails that went to `to`."""
    start = len(mailoutbox)
    for row in NotificationLog.objects.filter(sent_at__isnull=True, kind=NotificationLog.Kind.EMAIL).order_by("id"):
        assert notification_send(notification_id=row.pk)
    return [mail for mail in mailoutbox[start:] if mail.to == [to]]


def _html(mail) -> str:
    return mail.alternatives[0][0]


def _assert_persian(mail, *, opens_with: str = "") -> None:
    """A Persian mail; `opens_with`: the English text its plain part starts with (an agent's English
    reply), which keeps its own left-to-right direction (no right-to-left mark before it)."""
    html = _html(mail)
    assert '<html lang="fa" dir="rtl">' in html
    # Webmail drops <html> and <body> attributes: the wrapper itself carries the direction, inline.
    assert '<div dir="rtl" style="' in html and "direction:rtl" in html and "text-align:right" in html
    assert "Vazirmatn" in html and "Tahoma" in html  # the installed Persian font, else one every system has
    assert mail.extra_headers["Content-Language"] == "fa"
    if opens_with:
        assert mail.body.startswith(opens_with)
    else:
        assert mail.body.startswith(RLM)  # the plain-text part opens right to left (see helpdesk.mail)


def _assert_english(mail) -> None:
    html = _html(mail)
    assert '<html lang="en" dir="ltr">' in html and "text-align:left" in html and "direction:rtl" not in html
    assert mail.extra_headers["Content-Language"] == "en"
    assert not mail.body.startswith(RLM)


def _new_request(portal, subject=PERSIAN_SUBJECT) -> Ticket:
    response = portal.post(
        "/portal/requests/new/", {"subject": subject, "description": "از صبح چیزی چاپ نمی‌شود.", "impact": "slows"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Ticket.objects.get(subject=subject)


def test_a_customer_whose_profile_says_fa_gets_a_persian_right_to_left_acknowledgement(portal, shirin, mailoutbox):
    portal.post("/profile/", {"full_name": "Shirin", "language": "fa", "time_zone": ""})
    ticket = _new_request(portal)

    [ack] = _send_all(mailoutbox, to=shirin.email)
    assert ack.subject == f"[#{ticket.pk}] درخواست شما را دریافت کردیم: {PERSIAN_SUBJECT}"
    assert f"شمارهٔ #{persian_digits(ticket.pk)} را به آن دادیم" in ack.body  # the [#n] tag above stays Latin
    assert "برای افزودن به درخواستتان به همین ایمیل پاسخ دهید." in _html(ack)
    _assert_persian(ack)
    assert Contact.objects.get(user=shirin).language == "fa"  # the contact follows her choice


def test_an_agents_reply_to_her_is_persian_whatever_the_agents_language(portal, shirin, agent, mailoutbox):
    agent.language = "en"
    agent.save()
    portal.post("/profile/", {"full_name": "Shirin", "language": "fa", "time_zone": ""})
    ticket = _new_request(portal)
    _send_all(mailoutbox, to=shirin.email)

    services.ticket_reply(ticket=ticket, actor=agent, body="سلام، لطفاً چاپگر را یک بار خاموش و روشن کنید.")
    [reply] = _send_all(mailoutbox, to=shirin.email)
    assert reply.subject == f"[#{ticket.pk}] {PERSIAN_SUBJECT}"
    assert f"درخواست #{persian_digits(ticket.pk)}: {PERSIAN_SUBJECT}" in reply.body
    _assert_persian(reply)


def test_the_language_switcher_decides_her_next_mail(portal, shirin, agent, mailoutbox):
    portal.post("/i18n/setlang/", {"language": "fa", "next": "/portal/"})
    ticket = _new_request(portal)
    [ack] = _send_all(mailoutbox, to=shirin.email)
    _assert_persian(ack)

    portal.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    assert Contact.objects.get(user=shirin).language == "en"
    services.ticket_reply(ticket=ticket, actor=agent, body="Please restart it.")
    [reply] = _send_all(mailoutbox, to=shirin.email)
    assert f"Request #{ticket.pk}: {PERSIAN_SUBJECT}" in reply.body
    _assert_english(reply)


def test_her_own_choice_beats_the_language_an_agent_gave_her_contact(shirin, agent, mailoutbox):
    Contact.objects.filter(user=shirin).update(language="fa")
    shirin.language = "en"  # chosen in her profile
    shirin.save()
    ticket = services.ticket_open(actor=shirin, requester=Contact.objects.get(user=shirin), subject="Hi", body="x")
    [ack] = _send_all(mailoutbox, to=shirin.email)
    assert ack.subject == f"[#{ticket.pk}] We received your request: Hi"
    _assert_english(ack)


def test_a_contact_without_login_created_from_a_persian_email_gets_persian_mail(mailbox, agent, mailoutbox):
    raw = make_mail(sender="مریم <maryam@example.ir>", subject="مشکل ورود", body="سلام، نمی‌توانم وارد شوم.")
    ticket = email_ingest(raw=raw).ticket
    contact = Contact.objects.get(email="maryam@example.ir")
    assert contact.user is None and contact.language == "fa"  # guessed from the script of her mail

    [ack] = _send_all(mailoutbox, to="maryam@example.ir")
    assert ack.subject.startswith(f"[#{ticket.pk}] درخواست شما را دریافت کردیم")
    _assert_persian(ack)
    services.ticket_reply(ticket=ticket, actor=agent, body="Hello, please try again.")
    [reply] = _send_all(mailoutbox, to="maryam@example.ir")
    _assert_persian(reply, opens_with="Hello, please try again.")


def test_a_language_set_on_the_contact_is_never_replaced_by_a_guess(mailbox, mailoutbox):
    factories.ContactFactory(email="omid@example.ir", language="en")
    email_ingest(raw=make_mail(sender="omid@example.ir", subject="مشکل ورود", body="سلام"))
    assert Contact.objects.get(email="omid@example.ir").language == "en"
    [ack] = _send_all(mailoutbox, to="omid@example.ir")
    _assert_english(ack)


def test_an_english_email_from_a_new_sender_gives_an_english_contact(mailbox, settings, mailoutbox):
    settings.LANGUAGE_CODE = "fa"  # a Persian site: an English writer still gets English
    email_ingest(raw=make_mail(sender="john@example.com", subject="Login problem", body="I cannot sign in."))
    assert Contact.objects.get(email="john@example.com").language == "en"
    [ack] = _send_all(mailoutbox, to="john@example.com")
    _assert_english(ack)


def test_people_copied_on_her_request_read_their_own_language_else_hers(portal, shirin, agent, mailoutbox):
    factories.ContactFactory(email="english.colleague@acme.test", language="en")
    portal.post("/profile/", {"full_name": "Shirin", "language": "fa", "time_zone": ""})
    ticket = _new_request(portal)
    Ticket.objects.filter(pk=ticket.pk).update(cc_emails=["english.colleague@acme.test", "unknown@elsewhere.test"])
    ticket.refresh_from_db()
    services.ticket_reply(ticket=ticket, actor=agent, body="On it.")
    _send_all(mailoutbox, to=shirin.email)
    by_recipient = {mail.to[0]: mail for mail in mailoutbox if mail.subject == f"[#{ticket.pk}] {PERSIAN_SUBJECT}"}
    _assert_english(by_recipient["english.colleague@acme.test"])
    _assert_persian(by_recipient["unknown@elsewhere.test"], opens_with="On it.")
    _assert_persian(by_recipient[shirin.email], opens_with="On it.")


def test_an_english_agent_notified_about_her_ticket_gets_english(portal, shirin, agent, other_agent, mailoutbox):
    agent.language = "en"
    agent.save()
    portal.post("/profile/", {"full_name": "Shirin", "language": "fa", "time_zone": ""})
    ticket = _new_request(portal)
    services.ticket_update(ticket=ticket, actor=other_agent, changes={"assignee": agent})
    [assigned] = _send_all(mailoutbox, to=agent.email)
    assert assigned.subject == f"[#{ticket.pk}] Assigned to you: {PERSIAN_SUBJECT}"
    _assert_english(assigned)


def test_a_persian_agent_gets_referrals_in_persian_with_jalali_dates_in_her_time_zone(
    shirin, agent, other_team, mailoutbox
):
    reza = factories.UserFactory(email="reza@test.example", language="fa", time_zone="Asia/Tehran")
    reza.teams.add(other_team)
    ticket = services.ticket_open(actor=shirin, requester=Contact.objects.get(user=shirin), subject="Hi", body="x")
    referral = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="لطفاً فاکتور را بررسی کنید.")
    [created] = _send_all(mailoutbox, to=reza.email)
    assert "ارجاع" in created.subject or "ارجاع" in created.body
    _assert_persian(created)

    due = datetime(2026, 3, 21, 6, 0, tzinfo=UTC)  # 09:30 on 1 Farvardin 1405 in Tehran
    Referral.objects.filter(pk=referral.pk).update(due_at=due)
    referral_sweep(now=due + timedelta(minutes=5))
    [overdue] = _send_all(mailoutbox, to=reza.email)
    assert "۱۴۰۵/۰۱/۰۱ ۰۹:۳۰" in overdue.body and "۱۴۰۵/۰۱/۰۱ ۰۹:۳۰" in _html(overdue)
    _assert_persian(overdue)


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_her_mail_in_persian_though_it_runs_in_english(shirin, smtp_server, tmp_path):
    worker = start_worker(tmp_path / "worker.log", EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}")
    try:
        Client().post("/i18n/setlang/", {"language": "fa"})  # an anonymous switch changes nobody's mail
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(shirin)
        client.post("/i18n/setlang/", {"language": "fa", "next": "/portal/"})
        ticket = _new_request(client)
        assert wait_for(lambda: smtp_server.messages, timeout=60)
    finally:
        stop_worker(worker)
    [(envelope, mail)] = smtp_server.messages
    assert envelope.rcpt_tos == [shirin.email]
    assert " ".join(str(mail["Subject"]).split()) == f"[#{ticket.pk}] درخواست شما را دریافت کردیم: {PERSIAN_SUBJECT}"
    assert str(mail["Content-Language"]) == "fa"
    html = mail.get_body(("html",)).get_content()
    assert '<html lang="fa" dir="rtl">' in html and "text-align:right" in html
    assert mail.get_body(("plain",)).get_content().startswith(RLM)
