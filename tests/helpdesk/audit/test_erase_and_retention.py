"""The audit trail's own writes: a person's data forgotten in every history row of theirs (erasure),
and rows older than HELPDESK_RETENTION_AUDIT_MONTHS deleted by the retention job."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import BusinessCalendar, Contact, Organization
from helpdesk.audit.services import history_forget, history_prune
from tickets.privacy.retention import retention_run

pytestmark = pytest.mark.django_db


def test_forgetting_overwrites_every_earlier_history_row(organization):
    contact = Contact.objects.create(email="zoe@example.test", full_name="Zoe Zed", phone="+1 555 0100")
    contact.phone = "+1 555 0199"
    contact.save()
    contact.full_name, contact.email, contact.phone = "", "erased-1@erased.invalid", ""
    contact.save()
    history_forget(instance=contact, fields=["full_name", "email", "phone"])
    rows = list(Contact.history.filter(id=contact.pk).values_list("full_name", "email", "phone"))
    assert len(rows) == 3
    assert set(rows) == {("", "erased-1@erased.invalid", "")}


def _age(model, pk, days):
    model.history.filter(id=pk).update(history_date=timezone.now() - timedelta(days=days))


def test_retention_deletes_only_history_older_than_the_setting(settings):
    old = Organization.objects.create(name="Old")
    new = BusinessCalendar.objects.create(name="New")
    _age(Organization, old.pk, 400)
    settings.HELPDESK_RETENTION_AUDIT_MONTHS = 12
    counted = retention_run(now=timezone.now(), dry_run=True)
    assert [(r.rule, r.count) for r in counted if r.rule == "audit_history"] == [("audit_history", 1)]
    assert Organization.history.filter(id=old.pk).exists()
    done = retention_run(now=timezone.now())
    assert [(r.rule, r.count) for r in done if r.rule == "audit_history"] == [("audit_history", 1)]
    assert not Organization.history.filter(id=old.pk).exists()
    assert BusinessCalendar.history.filter(id=new.pk).exists()
    assert Organization.objects.filter(pk=old.pk).exists()  # only the history goes


def test_retention_keeps_history_forever_by_default(settings):
    org = Organization.objects.create(name="Ancient")
    _age(Organization, org.pk, 4000)
    assert settings.HELPDESK_RETENTION_AUDIT_MONTHS == 0
    assert all(r.rule != "audit_history" for r in retention_run(now=timezone.now()))
    assert Organization.history.filter(id=org.pk).exists()


def test_pruning_works_in_batches(settings):
    for i in range(7):
        Organization.objects.create(name=f"Org {i}")
    Organization.history.update(history_date=timezone.now() - timedelta(days=10))
    assert history_prune(before=timezone.now() - timedelta(days=1), batch=3) >= 7
    assert not Organization.history.exists()
