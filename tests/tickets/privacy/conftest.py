"""A contact with data in every place the helpdesk keeps it, and a second contact whose data must stay."""

import pytest

from customers.models import Contact
from helpdesk.models import NotificationLog
from knowledgebase.models import ArticleFeedback
from tests import factories
from tests.knowledgebase.conftest import make_article
from tests.tickets.conftest import make_mail
from tickets import ratings, services
from tickets.attachments.store import IncomingFile
from tickets.email.ingest import email_ingest
from tickets.models import Referral, Status, Ticket

NAME = "Zelda Quimby"
EMAIL = "zelda.quimby@privacy.test"
PHONE = "+98 912 345 6789"
OTHER_NAME = "Otto Brandt"
OTHER_EMAIL = "otto.brandt@privacy.test"


@pytest.fixture
def world(db, agent, team, other_team, admin_user):
    """Zelda: a portal login, a ticket by email (raw mail, a file), a reply with a file from the portal,
    agent replies and a note quoting her, a referral naming her, a rating with a comment, a knowledge-base
    comment, a copy on Otto's ticket, queued and sent mail. Otto: his own ticket and data."""
    organization = factories.OrganizationFactory(name="Privacy Org")
    zelda = factories.ContactFactory(
        organization=organization, email=EMAIL, full_name=NAME, phone=PHONE, with_login=True, notes="VIP caller"
    )
    otto = factories.ContactFactory(organization=organization, email=OTHER_EMAIL, full_name=OTHER_NAME)
    mail = make_mail(
        sender=f"{NAME} <{EMAIL}>",
        subject="Invoice 2026-114 is wrong",
        body=f"Hello, call me on {PHONE}. {NAME}",
        attachments=(("zelda-invoice.pdf", b"%PDF-1.4 zelda's invoice", "application", "pdf"),),
    )
    email_ingest(raw=mail)
    mine = Ticket.objects.get(requester=zelda)
    services.ticket_reply(ticket=mine, actor=agent, body=f"Dear {NAME}, we will call {PHONE} or write to {EMAIL}.")
    services.ticket_reply(ticket=mine, actor=agent, body=f"Note: {NAME} sounded upset.", internal=True)
    services.ticket_customer_reply(
        ticket=mine,
        actor=zelda.user,
        contact=zelda,
        body="Here is the scan, regards Zelda Quimby",
        attachments=[IncomingFile(name="scan-zelda.png", content=b"\x89PNG zelda scan bytes")],
    )
    services.ticket_refer(ticket=mine, actor=agent, to_team=other_team, note=f"Billing: {NAME} disputes the invoice")
    services.referral_answer(referral=Referral.objects.get(ticket=mine), actor=agent, answer=f"Refund {EMAIL}")
    services.ticket_update(ticket=mine, actor=agent, changes={"subject": f"Invoice of {NAME}"})
    services.ticket_change_status(ticket=mine, actor=agent, status=Status.SOLVED)
    ratings.rating_submit(ticket=mine, contact=zelda, score=2, comment=f"Slow. {NAME}")

    email_ingest(
        raw=make_mail(
            sender=f"{OTHER_NAME} <{OTHER_EMAIL}>",
            cc=f"{NAME} <{EMAIL}>",
            subject="Otto's printer",
            body="Otto's printer jams",
        )
    )
    ottos = Ticket.objects.get(requester=otto)
    services.ticket_reply(ticket=ottos, actor=agent, body=f"Copying {NAME} as asked; Otto, try again.")

    article = make_article(agent, title="Invoices explained", body="How invoices work.")
    ArticleFeedback.objects.create(article=article, user=zelda.user, helpful=False, comment=f"Not clear - {NAME}")
    NotificationLog.objects.create(
        key=f"custom:{EMAIL}", recipient=EMAIL, template="agent_reply", context={"who": NAME}
    )
    zelda.refresh_from_db()
    return {"zelda": zelda, "otto": otto, "mine": mine, "ottos": ottos, "agent": agent, "admin": admin_user}


def contact_fresh(contact: Contact) -> Contact:
    return Contact.objects.select_related("user").get(pk=contact.pk)
