"""The customer portal pages: home, new request, a request's page and its actions, organization, contract."""

from datetime import date, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from customers import services as customer_services
from customers.models import Contact
from tests import factories
from tests.factories import make_ticket
from tickets import services
from tickets.content import MAX_BODY_CHARS
from tickets.models import Attachment, Message, Status, Ticket, TicketLink

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def contact_of(user) -> Contact:
    return Contact.objects.get(user=user)


@pytest.fixture
def as_customer(client, customer):
    client.force_login(customer)
    return client


@pytest.fixture
def product_set(db):
    return {
        "cloud": factories.ProductFactory(name="Cloud hosting", code="cloud", policy_text="Uptime and backups."),
        "mail": factories.ProductFactory(name="Business email", code="mail"),
        "erp": factories.ProductFactory(name="ERP suite", code="erp"),
    }


@pytest.fixture
def office_policy(db):
    calendar = customer_services.calendar_create(
        name="Tehran office",
        time_zone="Asia/Tehran",
        periods=[{"weekday": day, "start": time(8), "end": time(16)} for day in (5, 6, 0, 1, 2)]
        + [{"weekday": 3, "start": time(8), "end": time(12)}],
        holidays=[{"name": "Nowruz", "recurrence": "jalali", "month": 1, "day": d} for d in (1, 2, 3, 4)]
        + [{"name": "New Year", "recurrence": "gregorian", "month": 1, "day": 1}],
    )
    return customer_services.sla_policy_create(
        name="Standard",
        calendar=calendar,
        targets=[
            {"priority": "high", "first_response_minutes": 60, "resolution_minutes": 480},
            {"priority": "normal", "first_response_minutes": 240, "resolution_minutes": 1440},
            {"priority": "low", "first_response_minutes": 90, "resolution_minutes": None},
        ],
    )


@pytest.fixture
def acme_contract(organization, office_policy, product_set):
    return customer_services.contract_create(
        name="Acme Care 2026",
        organization=organization,
        sla_policy=office_policy,
        valid_from=date(2020, 1, 1),
        products=[product_set["cloud"], product_set["mail"]],
    )


# --- home -------------------------------------------------------------------------------------


def test_home_says_each_status_in_plain_words(as_customer, customer, team, other_team, agent):
    contact = contact_of(customer)
    received = make_ticket(requester=contact, actor=customer, subject="Just sent")
    waiting = make_ticket(requester=contact, actor=customer, subject="Need your answer")
    services.ticket_reply(ticket=waiting, actor=agent, body="Which version?", status=Status.PENDING)
    working = make_ticket(requester=contact, actor=customer, subject="Being worked on")
    services.ticket_reply(ticket=working, actor=agent, body="Looking")
    referred = make_ticket(requester=contact, actor=customer, subject="Sent to billing")
    services.ticket_reply(ticket=referred, actor=agent, body="Asking billing")
    services.ticket_refer(ticket=referred, actor=agent, to_team=other_team, note="SECRET internal question")
    solved = make_ticket(requester=contact, actor=customer, subject="All good now")
    services.ticket_change_status(ticket=solved, actor=agent, status=Status.SOLVED)

    html = as_customer.get("/portal/").content.decode()

    assert "Received" in html
    assert "Waiting for you" in html
    assert "With our <bdi>First line</bdi> team" in html  # the team's name keeps its own direction
    assert "With our <bdi>Billing</bdi> team" in html
    assert "SECRET" not in html
    open_part, solved_part = html.split("Recently solved")
    assert received.subject in open_part and solved.subject in solved_part
    assert "Rate our help" in solved_part


def test_home_has_a_knowledge_base_search_box(as_customer):
    html = as_customer.get("/portal/").content.decode()
    assert 'action="/kb/search/"' in html and 'name="q"' in html


def test_home_lists_only_my_own_requests_not_my_colleagues(as_customer, colleague):
    make_ticket(requester=contact_of(colleague), actor=colleague, subject="Colleague's printer")
    html = as_customer.get("/portal/").content.decode()
    assert "Colleague&#x27;s printer" not in html and "Colleague's printer" not in html


def test_a_customer_login_without_contact_sees_a_notice_not_an_error(client, db):
    user = factories.UserFactory(role="customer", email="lonely@nowhere.test")
    client.force_login(user)
    response = client.get("/portal/")
    assert response.status_code == 200
    assert "not linked to a customer record" in response.content.decode()
    assert client.get("/portal/requests/new/").status_code == 404


# --- new request ------------------------------------------------------------------------------


def test_new_request_form_asks_for_kb_suggestions_while_typing_the_subject_or_the_description(as_customer):
    html = as_customer.get("/portal/requests/new/").content.decode()
    assert 'hx-get="/kb/suggest/"' in html and 'id="kb-suggestions"' in html
    # typing and pasting (input events) in either field ask, with both fields' text
    assert "input changed delay:300ms from:#id_subject" in html
    assert "input changed delay:500ms from:#id_description" in html
    assert 'hx-include="#id_subject, #id_description"' in html


def test_new_request_offers_only_the_products_of_a_valid_contract(as_customer, acme_contract, product_set):
    html = as_customer.get("/portal/requests/new/").content.decode()
    assert "Cloud hosting" in html and "Business email" in html
    assert "ERP suite" not in html


def test_without_a_contract_any_active_product_is_offered(client, other_customer, product_set):
    product_set["erp"].is_active = False
    product_set["erp"].save()
    client.force_login(other_customer)
    html = client.get("/portal/requests/new/").content.decode()
    assert "Cloud hosting" in html and "ERP suite" not in html


def test_a_product_outside_the_contract_is_refused(as_customer, acme_contract, product_set):
    response = as_customer.post(
        "/portal/requests/new/",
        {"subject": "ERP", "description": "Broken", "impact": "slows", "product": product_set["erp"].pk},
    )
    assert response.status_code == 400
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("impact", "priority", "ticket_type"),
    [("blocks", "high", "incident"), ("slows", "normal", "incident"), ("question", "low", "question")],
)
def test_impact_in_plain_words_sets_the_priority(as_customer, customer, impact, priority, ticket_type):
    response = as_customer.post(
        "/portal/requests/new/", {"subject": "Mail down", "description": "Nothing arrives", "impact": impact}
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/requests/{ticket.pk}/"
    assert (ticket.priority, ticket.type, ticket.channel) == (priority, ticket_type, "portal")
    assert ticket.requester == contact_of(customer)


def test_a_description_longer_than_a_message_may_be_is_a_form_error_and_opens_nothing(as_customer):
    too_long = "y" * (MAX_BODY_CHARS + 1)
    response = as_customer.post(
        "/portal/requests/new/", {"subject": "Mail down", "description": too_long, "impact": "slows"}
    )
    assert response.status_code == 400 and not Ticket.objects.exists()
    assert f"Ensure this value has at most {MAX_BODY_CHARS} characters" in response.content.decode()
    assert 'maxlength="200000"' in as_customer.get("/portal/requests/new/").content.decode()


def test_urgent_is_not_a_customer_choice(as_customer):
    response = as_customer.post("/portal/requests/new/", {"subject": "X", "description": "Y", "impact": "urgent"})
    assert response.status_code == 400 and not Ticket.objects.exists()


def test_a_new_request_keeps_several_attachments(as_customer, acme_contract, product_set):
    files = [
        SimpleUploadedFile("screen.png", b"\x89PNG fake", content_type="image/png"),
        SimpleUploadedFile("log.txt", b"error 42", content_type="text/plain"),
    ]
    response = as_customer.post(
        "/portal/requests/new/",
        {
            "subject": "Backups fail",
            "description": "Since Monday",
            "impact": "blocks",
            "product": product_set["cloud"].pk,
            "attachments": files,
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.product == product_set["cloud"]
    assert sorted(Attachment.objects.filter(ticket=ticket).values_list("original_name", flat=True)) == [
        "log.txt",
        "screen.png",
    ]


def test_an_attachment_over_the_limit_is_refused_with_a_message(as_customer, settings):
    settings.HELPDESK_MAX_ATTACHMENT_BYTES = 10
    big = SimpleUploadedFile("big.bin", b"x" * 50)
    response = as_customer.post(
        "/portal/requests/new/", {"subject": "S", "description": "D", "impact": "slows", "attachments": [big]}
    )
    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_empty_request_shows_errors(as_customer):
    response = as_customer.post("/portal/requests/new/", {"subject": "", "description": "", "impact": "slows"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


# --- a request's page -------------------------------------------------------------------------


@pytest.fixture
def conversation(customer, agent):
    ticket = make_ticket(requester=contact_of(customer), actor=customer, subject="Printer on fire")
    services.ticket_reply(ticket=ticket, actor=agent, body="PUBLIC answer from support")
    services.ticket_reply(ticket=ticket, actor=agent, body="INTERNAL note: customer is grumpy", internal=True)
    return ticket


def test_the_request_page_shows_public_messages_only(as_customer, conversation, agent):
    html = as_customer.get(f"/portal/requests/{conversation.pk}/").content.decode()
    assert "PUBLIC answer from support" in html
    assert "It is on fire." in html
    assert "INTERNAL" not in html and "grumpy" not in html
    assert agent.email not in html  # no internal fields


def test_the_reply_form_comes_after_the_requests_facts_and_rating_so_a_phone_shows_them_first(
    as_customer, conversation, agent
):
    """On a phone the page is one column in the page's order: the conversation, the facts with "My problem
    is solved" (and, once solved, the rating), then the reply form; a wide screen puts the form under the
    conversation by the grid (static/css/app.css)."""
    html = as_customer.get(f"/portal/requests/{conversation.pk}/").content.decode()
    thread, facts = html.index("PUBLIC answer from support"), html.index("About this request")
    assert (
        thread < facts < html.index("My problem is solved") < html.index(f"/portal/requests/{conversation.pk}/reply/")
    )
    services.ticket_change_status(ticket=conversation, actor=agent, status=Status.SOLVED)
    html = as_customer.get(f"/portal/requests/{conversation.pk}/").content.decode()
    assert html.index("How did we do?") < html.index("Not solved after all? Reply to reopen")


def test_referrals_show_the_team_but_never_the_note(as_customer, conversation, agent, other_team):
    services.ticket_refer(ticket=conversation, actor=agent, to_team=other_team, note="Can we refund? VERY SECRET")
    html = as_customer.get(f"/portal/requests/{conversation.pk}/").content.decode()
    assert "With our <bdi>Billing</bdi> team" in html
    assert "SECRET" not in html and "refund" not in html


def test_attachments_are_listed_with_a_download_link_when_the_endpoint_exists(as_customer, customer, agent):
    from tickets.attachments.store import IncomingFile

    ticket = make_ticket(
        requester=contact_of(customer),
        actor=customer,
        attachments=[IncomingFile(name="invoice.pdf", content=b"%PDF", content_type="application/pdf")],
    )
    attachment = Attachment.objects.get()
    html = as_customer.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "invoice.pdf" in html
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("api-attachment-download", args=[attachment.pk])
    except NoReverseMatch:
        url = None
    if url:
        assert f'href="{url}"' in html


def test_a_customer_replies_with_attachments(as_customer, conversation):
    response = as_customer.post(
        f"/portal/requests/{conversation.pk}/reply/",
        {"body": "Still smoking", "attachments": [SimpleUploadedFile("smoke.jpg", b"jpg", content_type="image/jpeg")]},
    )
    assert response.status_code == 302
    message = Message.objects.filter(ticket=conversation).latest("id")
    assert message.body_text.strip() == "Still smoking" and not message.internal
    assert message.author_contact == conversation.requester
    assert message.attachments.get().original_name == "smoke.jpg"


def test_an_empty_reply_is_refused_with_a_message(as_customer, conversation):
    response = as_customer.post(f"/portal/requests/{conversation.pk}/reply/", {"body": ""})
    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()


def test_a_customer_marks_the_request_solved(as_customer, conversation):
    response = as_customer.post(f"/portal/requests/{conversation.pk}/solve/")
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == Status.SOLVED


def test_a_solved_request_reopens_within_the_allowed_days(as_customer, conversation, agent, settings):
    settings.HELPDESK_REOPEN_DAYS = 14
    services.ticket_change_status(ticket=conversation, actor=agent, status=Status.SOLVED)
    html = as_customer.get(f"/portal/requests/{conversation.pk}/").content.decode()
    assert "Reopen this request" in html and "Reply to reopen" in html
    as_customer.post(f"/portal/requests/{conversation.pk}/reopen/")
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN


def test_a_reply_to_a_recently_solved_request_reopens_it(as_customer, conversation, agent):
    services.ticket_change_status(ticket=conversation, actor=agent, status=Status.SOLVED)
    as_customer.post(f"/portal/requests/{conversation.pk}/reply/", {"body": "Not fixed"})
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN


def test_after_the_reopen_window_a_linked_follow_up_is_offered(as_customer, customer, conversation, agent, settings):
    settings.HELPDESK_REOPEN_DAYS = 3
    services.ticket_change_status(
        ticket=conversation, actor=agent, status=Status.SOLVED, now=timezone.now() - timedelta(days=4)
    )
    html = as_customer.get(f"/portal/requests/{conversation.pk}/").content.decode()
    assert "Reopen this request" not in html and "Open a new linked request" in html

    refused = as_customer.post(f"/portal/requests/{conversation.pk}/reopen/")
    assert refused.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == Status.SOLVED

    response = as_customer.post(f"/portal/requests/{conversation.pk}/follow-up/", {"body": "It is back"})
    follow_up = Ticket.objects.exclude(pk=conversation.pk).get()
    assert response["Location"] == f"/portal/requests/{follow_up.pk}/"
    assert TicketLink.objects.filter(from_ticket=follow_up, to_ticket=conversation, kind="follow_up").exists()
    assert follow_up.requester == contact_of(customer)
    html = as_customer.get(f"/portal/requests/{follow_up.pk}/").content.decode()
    assert f"/portal/requests/{conversation.pk}/" in html


def test_a_closed_request_offers_a_follow_up_instead_of_a_reply(as_customer, conversation, agent):
    services.ticket_change_status(ticket=conversation, actor=agent, status=Status.SOLVED)
    services.ticket_change_status(ticket=conversation, actor=agent, status=Status.CLOSED)
    html = as_customer.get(f"/portal/requests/{conversation.pk}/").content.decode()
    assert "Open a new linked request" in html and "Send reply" not in html
    response = as_customer.post(f"/portal/requests/{conversation.pk}/reply/", {"body": "hello?"})
    follow_up = Ticket.objects.exclude(pk=conversation.pk).get()  # closed is final: the reply starts a new one
    assert response["Location"] == f"/portal/requests/{follow_up.pk}/"
    assert TicketLink.objects.filter(from_ticket=follow_up, to_ticket=conversation, kind="follow_up").exists()
    conversation.refresh_from_db()
    assert conversation.status == Status.CLOSED


def test_a_colleague_in_a_sharing_organization_follows_and_replies(client, colleague, conversation):
    client.force_login(colleague)
    html = client.get(f"/portal/requests/{conversation.pk}/").content.decode()
    assert "Asked by" in html
    client.post(f"/portal/requests/{conversation.pk}/reply/", {"body": "Same here"})
    assert conversation.messages.filter(author_contact=contact_of(colleague)).exists()


# --- organization -----------------------------------------------------------------------------


def test_the_organization_page_lists_every_request_with_its_requester(client, customer, colleague):
    make_ticket(requester=contact_of(customer), actor=customer, subject="Mine")
    make_ticket(requester=contact_of(colleague), actor=colleague, subject="My colleague's")
    client.force_login(customer)
    response = client.get("/portal/organization/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mine" in html and "My colleague" in html
    assert str(contact_of(colleague)) in html


def test_a_request_waiting_for_a_colleague_reads_so_on_the_organization_page(client, customer, colleague, agent):
    theirs = make_ticket(requester=contact_of(colleague), actor=colleague, subject="My colleague's")
    services.ticket_reply(ticket=theirs, actor=agent, body="Which version?", status=Status.PENDING)
    client.force_login(customer)

    html = client.get("/portal/organization/").content.decode()
    assert "Waiting for the requester" in html and "Waiting for you" not in html
    assert "Waiting for the requester" in client.get(f"/portal/requests/{theirs.pk}/").content.decode()
    client.force_login(colleague)
    assert "Waiting for you" in client.get("/portal/organization/").content.decode()


def test_the_organization_page_is_missing_when_the_organization_does_not_share(client, private_colleague):
    client.force_login(private_colleague)
    assert client.get("/portal/organization/").status_code == 404
    assert "/portal/organization/" not in client.get("/portal/").content.decode()


# --- contract ---------------------------------------------------------------------------------


def test_the_contract_page_shows_services_targets_and_hours(as_customer, acme_contract):
    html = as_customer.get("/portal/contract/").content.decode()
    assert "Acme Care 2026" in html
    assert "Cloud hosting" in html and "Uptime and backups." in html
    assert "1 hour" in html and "8 hours" in html and "4 hours" in html and "1 hour 30 minutes" in html
    assert "Tehran (UTC+03:30)" in html
    assert "Saturday" in html and "08:00–16:00" in html and "08:00–12:00" in html and "Closed" in html
    assert "Nowruz" in html and "1 to 4 Farvardin" in html
    assert "New Year" in html and "January 1" in html


def test_the_contract_page_in_persian_uses_jalali_month_names_and_persian_digits(client, customer, acme_contract):
    customer.language = "fa"
    customer.save()
    client.force_login(customer)
    html = client.get("/portal/contract/").content.decode()
    assert "فروردین" in html and "۰۸:۰۰" in html
    assert html.index("Saturday" if "Saturday" in html else "شنبه") < html.index(
        "Friday" if "Friday" in html else "جمعه"
    )


def test_the_contract_page_without_a_contract_explains_the_standard_times(client, other_customer, office_policy):
    office_policy.is_default = True
    office_policy.save()
    client.force_login(other_customer)
    html = client.get("/portal/contract/").content.decode()
    assert "no service contract" in html
    assert "4 hours" in html
