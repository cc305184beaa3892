"""A reply form that comes back with an error keeps the files it carried that were valid
(tickets.attachments.pending): the form shown again lists them ("Kept: name, size", each ticked to go
with the next send), and the next send attaches them. Kept uploads belong to their sender: another
customer, or an agent, naming one finds nothing. They expire and the periodic purge deletes them."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_ticket
from tickets import tasks
from tickets.attachments.pending import PENDING_LIFETIME
from tickets.content import MAX_BODY_CHARS
from tickets.models import Attachment, PendingUpload

pytestmark = pytest.mark.django_db

LOG = "خطا در چاپگر\n".encode()
TOO_LONG = "x" * (MAX_BODY_CHARS + 1)  # a refusal (a file alone is a reply: tests/tickets/test_reply_file_only.py)


def log_file(name="printer.log", content=LOG):
    return SimpleUploadedFile(name, content, content_type="text/plain")


@pytest.fixture
def carlas_request(customer):
    return make_ticket(requester=customer.contact, subject="Printer")


def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def portal_reply(browser, ticket, **data):
    return browser.post(reverse("portal:reply", args=[ticket.pk]), data)


def test_a_portal_reply_refused_for_a_too_long_message_keeps_its_file_and_the_next_send_attaches_it(
    customer, carlas_request, django_capture_on_commit_callbacks
):
    browser = browser_for(customer)
    refused = portal_reply(browser, carlas_request, body=TOO_LONG, attachments=log_file())
    assert refused.status_code == 400
    kept = PendingUpload.objects.get()
    assert (kept.owner, kept.original_name, kept.size) == (customer, "printer.log", len(LOG))
    assert refused.context["reply_form"].kept_uploads == [kept]
    page = refused.content.decode()
    assert f'name="kept" value="{kept.pk}" checked' in page and "printer.log" in page
    stored_name = kept.file.name
    with django_capture_on_commit_callbacks(execute=True):
        sent = portal_reply(browser, carlas_request, body="Here is the log.", kept=[kept.pk])
    assert sent.status_code == 302
    attachment = Attachment.objects.get(message__body_text__contains="Here is the log.")
    assert attachment.original_name == "printer.log"
    assert attachment.file.open("rb").read() == LOG
    assert not PendingUpload.objects.exists()
    assert not kept.file.storage.exists(stored_name)  # the kept copy is gone with its row


def test_only_the_valid_files_of_a_refused_reply_are_kept(customer, carlas_request, settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 100
    browser = browser_for(customer)
    big = SimpleUploadedFile("big.bin", b"x" * 101, content_type="application/octet-stream")
    refused = portal_reply(browser, carlas_request, body="Logs", attachments=[log_file(), big])
    assert refused.status_code == 400
    assert "big.bin" in str(refused.context["reply_form"].errors["attachments"])
    assert list(PendingUpload.objects.values_list("original_name", flat=True)) == ["printer.log"]


def test_a_too_long_reply_keeps_its_files_beside_those_already_kept(customer, carlas_request):
    browser = browser_for(customer)
    portal_reply(browser, carlas_request, body=TOO_LONG, attachments=log_file("one.log"))
    first = PendingUpload.objects.get()
    again = portal_reply(
        browser, carlas_request, body="x" * (MAX_BODY_CHARS + 1), kept=[first.pk], attachments=log_file("two.log")
    )
    assert again.status_code == 400
    assert [u.original_name for u in again.context["reply_form"].kept_uploads] == ["one.log", "two.log"]


def test_a_kept_file_unticked_is_left_out_of_the_reply(customer, carlas_request):
    browser = browser_for(customer)
    portal_reply(browser, carlas_request, body=TOO_LONG, attachments=log_file())
    assert portal_reply(browser, carlas_request, body="No log after all.").status_code == 302
    assert not Attachment.objects.filter(message__body_text__contains="No log after all.").exists()


def test_a_kept_file_unticked_is_deleted_with_the_send_not_left_for_the_purge(
    customer, carlas_request, django_capture_on_commit_callbacks
):
    browser = browser_for(customer)
    refused = portal_reply(browser, carlas_request, body=TOO_LONG, attachments=log_file("passport.pdf"))
    kept = PendingUpload.objects.get()
    assert f'name="kept_offered" value="{kept.pk}"' in refused.content.decode()
    stored = kept.file.name
    with django_capture_on_commit_callbacks(execute=True):
        sent = portal_reply(browser, carlas_request, body="Wrong file, sorry.", kept_offered=[kept.pk])
    assert sent.status_code == 302
    assert not PendingUpload.objects.exists() and not kept.file.storage.exists(stored)
    assert not Attachment.objects.filter(ticket=carlas_request).exists()


def test_a_kept_file_unticked_on_a_form_refused_again_is_deleted_and_no_longer_listed(
    customer, carlas_request, django_capture_on_commit_callbacks
):
    browser = browser_for(customer)
    portal_reply(browser, carlas_request, body=TOO_LONG, attachments=log_file("one.log"))
    first = PendingUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        again = portal_reply(
            browser, carlas_request, body=TOO_LONG, kept_offered=[first.pk], attachments=log_file("two.log")
        )
    assert again.status_code == 400
    assert [u.original_name for u in again.context["reply_form"].kept_uploads] == ["two.log"]
    assert list(PendingUpload.objects.values_list("original_name", flat=True)) == ["two.log"]


def test_the_follow_up_form_keeps_its_files_too(customer, carlas_request):
    response = browser_for(customer).post(
        reverse("portal:follow_up", args=[carlas_request.pk]), {"body": TOO_LONG, "attachments": log_file()}
    )
    assert response.status_code == 400
    assert [u.original_name for u in response.context["follow_up_form"].kept_uploads] == ["printer.log"]


# --- nobody claims another person's kept upload ----------------------------------------------------


@pytest.fixture
def carlas_kept(customer, carlas_request):
    portal_reply(browser_for(customer), carlas_request, body=TOO_LONG, attachments=log_file())
    return PendingUpload.objects.get(owner=customer)


def test_another_customer_naming_a_kept_upload_attaches_nothing_and_leaves_it(other_customer, carlas_kept):
    ottos = make_ticket(requester=other_customer.contact, subject="Mine")
    assert portal_reply(browser_for(other_customer), ottos, body="Take it", kept=[carlas_kept.pk]).status_code == 302
    assert not Attachment.objects.filter(ticket=ottos).exists()
    assert PendingUpload.objects.filter(pk=carlas_kept.pk).exists()


def test_another_customer_offering_a_kept_upload_unticked_deletes_nothing(other_customer, carlas_kept):
    ottos = make_ticket(requester=other_customer.contact, subject="Mine")
    sent = portal_reply(browser_for(other_customer), ottos, body="Drop it", kept_offered=[carlas_kept.pk])
    assert sent.status_code == 302
    assert PendingUpload.objects.filter(pk=carlas_kept.pk).exists()


def test_an_agent_offering_a_customers_kept_upload_unticked_deletes_nothing(agent_client, carlas_request, carlas_kept):
    url = reverse("agent:ticket-reply", args=[carlas_request.pk])
    sent = agent_client.post(url, {"kind": "note", "body": "Drop it", "kept_offered": [carlas_kept.pk]})
    assert sent.status_code == 302
    assert PendingUpload.objects.filter(pk=carlas_kept.pk).exists()


def test_an_agent_naming_a_customers_kept_upload_attaches_nothing(agent_client, carlas_request, carlas_kept):
    url = reverse("agent:ticket-reply", args=[carlas_request.pk])
    assert agent_client.post(url, {"kind": "note", "body": "Take it", "kept": [carlas_kept.pk]}).status_code == 302
    assert not Attachment.objects.filter(message__body_text__contains="Take it").exists()
    assert PendingUpload.objects.filter(pk=carlas_kept.pk).exists()


def test_a_customer_naming_an_agents_kept_upload_attaches_nothing(agent_client, agent, customer, carlas_request):
    url = reverse("agent:ticket-reply", args=[carlas_request.pk])
    agent_client.post(
        url, {"kind": "reply", "body": "x" * (MAX_BODY_CHARS + 1), "attachments": log_file("internal.pdf")}
    )
    agents = PendingUpload.objects.get(owner=agent)
    assert portal_reply(browser_for(customer), carlas_request, body="Mine", kept=[agents.pk]).status_code == 302
    assert not Attachment.objects.filter(ticket=carlas_request).exists()


# --- the agent's composer ------------------------------------------------------------------------


def test_an_agent_note_refused_for_a_too_long_text_keeps_its_file_for_the_next_send(
    agent_client, agent, carlas_request
):
    url = reverse("agent:ticket-reply", args=[carlas_request.pk])
    refused = agent_client.post(url, {"kind": "note", "body": "x" * (MAX_BODY_CHARS + 1), "attachments": log_file()})
    assert refused.status_code == 400
    kept = PendingUpload.objects.get(owner=agent)
    assert f'name="kept" value="{kept.pk}" checked' in refused.content.decode()
    assert agent_client.post(url, {"kind": "note", "body": "Log attached.", "kept": [kept.pk]}).status_code == 302
    note = carlas_request.messages.get(body_text__contains="Log attached.")
    assert note.internal and [a.original_name for a in note.attachments.all()] == ["printer.log"]


def test_an_agent_unticking_a_kept_file_has_it_deleted_with_the_note(agent_client, agent, carlas_request):
    url = reverse("agent:ticket-reply", args=[carlas_request.pk])
    refused = agent_client.post(url, {"kind": "note", "body": "x" * (MAX_BODY_CHARS + 1), "attachments": log_file()})
    kept = PendingUpload.objects.get(owner=agent)
    assert f'name="kept_offered" value="{kept.pk}"' in refused.content.decode()
    sent = agent_client.post(url, {"kind": "note", "body": "No log.", "kept_offered": [kept.pk]})
    assert sent.status_code == 302
    assert not PendingUpload.objects.filter(owner=agent).exists()
    assert not carlas_request.messages.get(body_text__contains="No log.").attachments.exists()


def test_an_agent_asked_to_check_a_changed_ticket_keeps_the_files_for_send_anyway(
    agent_client, agent, other_agent, carlas_request
):
    from tickets import services

    seen = carlas_request.updated_at.isoformat()
    services.ticket_reply(ticket=carlas_request, actor=other_agent, body="Taken", internal=True)
    url = reverse("agent:ticket-reply", args=[carlas_request.pk])
    asked = agent_client.post(url, {"kind": "reply", "body": "Fixed.", "seen": seen, "attachments": log_file()})
    assert asked.status_code == 409
    kept = PendingUpload.objects.get(owner=agent)
    assert asked.context["reply_form"].kept_uploads == [kept]
    anyway = {
        "kind": "reply",
        "body": "Fixed.",
        "seen": timezone.now().isoformat(),
        "confirmed": "on",
        "kept": [kept.pk],
    }
    assert agent_client.post(url, anyway).status_code == 302
    assert [a.original_name for a in carlas_request.messages.get(body_text__contains="Fixed.").attachments.all()] == [
        "printer.log"
    ]


# --- lifetime ------------------------------------------------------------------------------------


def test_an_expired_kept_upload_is_not_attached_and_the_purge_deletes_it(
    customer, carlas_request, carlas_kept, django_capture_on_commit_callbacks
):
    young = PendingUpload.objects.create(owner=customer, original_name="young.log", size=1, file="pending/x/young")
    PendingUpload.objects.filter(pk=carlas_kept.pk).update(
        created_at=timezone.now() - PENDING_LIFETIME - timedelta(minutes=1)
    )
    portal_reply(browser_for(customer), carlas_request, body="Late", kept=[carlas_kept.pk])
    assert not Attachment.objects.filter(message__body_text__contains="Late").exists()
    stored = carlas_kept.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.pending_uploads_purge() == 1
    assert list(PendingUpload.objects.all()) == [young]
    assert not carlas_kept.file.storage.exists(stored)


def test_the_purge_runs_every_hour():
    from helpdesk.celery import app

    assert app.conf.beat_schedule["pending-uploads-purge"]["task"] == "tickets.tasks.pending_uploads_purge"


def test_a_double_posted_reply_with_kept_files_is_stored_once_with_them(customer, carlas_request, carlas_kept):
    browser = browser_for(customer)
    post = {"body": "The log, again.", "kept": [carlas_kept.pk], "token": "tok-1"}
    assert [portal_reply(browser, carlas_request, **post).status_code for _ in range(2)] == [302, 302]
    reply = carlas_request.messages.get(body_text__contains="The log, again.")
    assert [a.original_name for a in reply.attachments.all()] == ["printer.log"]


def test_the_kept_list_is_in_persian_for_a_persian_customer(customer, carlas_request):
    customer.language = "fa"
    customer.save(update_fields=["language"])
    page = portal_reply(browser_for(customer), carlas_request, body=TOO_LONG, attachments=log_file()).content.decode()
    assert "فایل‌هایی که از تلاش قبلی نگه داشته شد" in page and "نگه داشته شد: <bdi" in page


# --- the portal's new-request form keeps its files as the reply form does ------------------------


def test_a_new_request_refused_for_a_missing_subject_keeps_its_files_and_the_next_send_attaches_them(
    customer, django_capture_on_commit_callbacks
):
    browser = browser_for(customer)
    new = reverse("portal:new")
    refused = browser.post(
        new,
        {
            "subject": "",
            "description": "It prints blank pages.",
            "impact": "slows",
            "attachments": [log_file(), log_file("screen.log", b"screen")],
        },
    )
    assert refused.status_code == 400
    kept = list(PendingUpload.objects.order_by("original_name"))
    assert [(u.owner, u.original_name) for u in kept] == [(customer, "printer.log"), (customer, "screen.log")]
    page = refused.content.decode()
    assert all(f'name="kept" value="{u.pk}" checked' in page for u in kept)
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(
            new,
            {
                "subject": "Printer",
                "description": "It prints blank pages.",
                "impact": "slows",
                "kept": [u.pk for u in kept],
                "kept_offered": [u.pk for u in kept],
            },
        )
    assert sent.status_code == 302
    attachments = Attachment.objects.filter(ticket__subject="Printer").order_by("original_name")
    assert [(a.original_name, a.file.open("rb").read()) for a in attachments] == [
        ("printer.log", LOG),
        ("screen.log", b"screen"),
    ]
    assert not PendingUpload.objects.exists()


def test_a_new_request_cannot_attach_another_customers_kept_upload(other_customer, carlas_kept):
    browser = browser_for(other_customer)
    sent = browser.post(
        reverse("portal:new"),
        {
            "subject": "Mine",
            "description": "Text.",
            "impact": "slows",
            "kept": [carlas_kept.pk],
            "kept_offered": [carlas_kept.pk],
        },
    )
    assert sent.status_code == 302
    assert not Attachment.objects.filter(ticket__subject="Mine").exists()
    assert PendingUpload.objects.filter(pk=carlas_kept.pk).exists()  # left for its owner
