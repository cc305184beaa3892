"""Runs INSIDE the separate virtualenv that holds django-helpdesk from PyPI (never imported by our tests:
its package is also called `helpdesk`). Migrates django-helpdesk's own schema into the PostgreSQL
database named by SOURCE_DATABASE_URL and fills it through django-helpdesk's ORM, then prints JSON
with the ids the test checks.
"""

import json
import os
import sys
from datetime import UTC, datetime, timedelta

import django
from django.conf import settings

url = os.environ["SOURCE_DATABASE_URL"]  # postgres://user@host:port/name
rest = url.split("://", 1)[1]
auth, _, hostpart = rest.rpartition("@")
user, _, password = auth.partition(":")
hostport, _, name = hostpart.partition("/")
host, _, port = hostport.partition(":")

settings.configure(
    SECRET_KEY="seed",
    USE_TZ=True,
    TIME_ZONE="UTC",
    INSTALLED_APPS=[
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.sites",
        "django.contrib.humanize",
        "rest_framework",
        "helpdesk",
    ],
    HELPDESK_TEAMS_MODE_ENABLED=False,
    SITE_ID=1,
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": user,
            "PASSWORD": password,
            "HOST": host,
            "PORT": port or "5432",
        }
    },
    MEDIA_ROOT=os.environ["SOURCE_MEDIA_ROOT"],
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

from helpdesk.models import FollowUp, FollowUpAttachment, Queue, Ticket  # noqa: E402

call_command("migrate", verbosity=0)

T0 = datetime(2021, 3, 1, 9, 30, tzinfo=UTC)
ATTACHMENT_BYTES = bytes(range(256)) * 4


def _at(ticket, when):
    # `created`/`modified` are set by save(); history keeps its own dates.
    Ticket.objects.filter(pk=ticket.pk).update(created=when, modified=when + timedelta(days=2))


support = Queue.objects.create(title="Support", slug="support", email_address="support@source.example")
billing = Queue.objects.create(title="صورتحساب", slug="billing")
agent = User.objects.create_user("sara", "sara@source.example", "x", is_staff=True, first_name="Sara", last_name="A")
customer = User.objects.create_user("reza", "reza@customer.example", "x", first_name="رضا", last_name="محمدی")

open_ticket = Ticket.objects.create(
    title="Printer is broken",
    queue=support,
    submitter_email="reza@customer.example",
    assigned_to=agent,
    status=Ticket.OPEN_STATUS,
    priority=2,
    description="It prints nothing.",
)
reply = FollowUp.objects.create(
    ticket=open_ticket,
    date=T0 + timedelta(hours=1),
    title="Reply",
    comment="Try turning it off.",
    public=True,
    user=agent,
)
note = FollowUp.objects.create(
    ticket=open_ticket,
    date=T0 + timedelta(hours=2),
    title="Note",
    comment="Internal: spare in stock.",
    public=False,
    user=agent,
)
customer_reply = FollowUp.objects.create(
    ticket=open_ticket, date=T0 + timedelta(hours=3), title="Re", comment="Still broken.", public=True, user=customer
)
attachment = FollowUpAttachment(
    followup=customer_reply, filename="log.bin", mime_type="application/octet-stream", size=len(ATTACHMENT_BYTES)
)
attachment.file.save("log.bin", ContentFile(ATTACHMENT_BYTES), save=True)

closed_ticket = Ticket.objects.create(
    title="درخواست فاکتور",
    queue=billing,
    submitter_email="new.person@customer.example",
    status=Ticket.CLOSED_STATUS,
    priority=1,
    description="لطفاً فاکتور ماه گذشته را بفرستید.",
)
FollowUp.objects.create(
    ticket=closed_ticket,
    date=T0 - timedelta(days=29),
    title="Sent",
    comment="فاکتور ارسال شد.",
    public=True,
    user=agent,
    new_status=Ticket.CLOSED_STATUS,
)
resolved_ticket = Ticket.objects.create(
    title="Password reset",
    queue=support,
    submitter_email="reza@customer.example",
    status=Ticket.RESOLVED_STATUS,
    priority=5,
    description="Reset please.",
)
nobody_ticket = Ticket.objects.create(
    title="No address", queue=support, submitter_email="", status=Ticket.OPEN_STATUS, description="Who am I?"
)
# Last: saving follow-ups touches their ticket's `modified`.
_at(open_ticket, T0)
_at(closed_ticket, T0 - timedelta(days=30))
_at(resolved_ticket, T0 - timedelta(days=10))

json.dump(
    {
        "open": open_ticket.pk,
        "closed": closed_ticket.pk,
        "resolved": resolved_ticket.pk,
        "nobody": nobody_ticket.pk,
        "attachment_path": attachment.file.name,
        "followups": [reply.pk, note.pk, customer_reply.pk],
    },
    sys.stdout,
)
