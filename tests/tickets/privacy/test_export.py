"""Exporting a contact: the zip's JSON parses and holds her data, her files are in it, other people's
data and internal notes are not, it is logged, and only admins get it (page and API alike)."""

import io
import json
import zipfile

import pytest

from customers.models import PrivacyAction
from tests import factories
from tickets.privacy.export import contact_export

from .conftest import EMAIL, NAME, OTHER_EMAIL, PHONE

pytestmark = pytest.mark.django_db


def _open(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive


def _json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def _export(world) -> zipfile.ZipFile:
    with contact_export(contact=world["zelda"], actor=world["admin"]) as out:
        return _open(out.read())


def test_the_zip_holds_her_profile_tickets_messages_and_files(world):
    archive = _export(world)
    profile = _json(archive, "contact.json")
    assert (profile["email"], profile["full_name"], profile["phone"]) == (EMAIL, NAME, PHONE)
    assert profile["login"]["email"] == EMAIL
    tickets = {t["id"]: t for t in _json(archive, "tickets.json")}
    assert tickets[world["mine"].pk]["role"] == "requester" and tickets[world["ottos"].pk]["role"] == "cc"
    messages = _json(archive, "messages.json")
    assert any("call me on" in m["body_text"] and m["by"] == "contact" for m in messages)
    files = [f for m in messages for f in m["attachments"]]
    assert {f["name"] for f in files} == {"zelda-invoice.pdf", "scan-zelda.png"}
    for f in files:
        assert archive.read(f["path"]).startswith((b"%PDF", b"\x89PNG"))
    ratings = _json(archive, "ratings.json")
    assert ratings == [{**ratings[0], "score": 2, "comment": f"Slow. {NAME}"}]
    assert [r["state"] for r in _json(archive, "referrals.json")] == ["answered"]
    emails = _json(archive, "emails.json")
    assert len(emails) == 1 and EMAIL.encode() in archive.read(emails[0]["path"])
    assert any(e["kind"] == "status_changed" for e in _json(archive, "events.json"))
    assert _json(archive, "article_feedback.json")[0]["helpful"] is False


def test_the_zip_leaves_out_internal_notes_referral_notes_and_other_contacts_data(world):
    other = factories.ContactFactory(email="stranger@elsewhere.test", full_name="Stranger Danger")
    from tickets import services

    services.ticket_open(actor=None, requester=other, subject="Stranger's secret", body="secret body")
    archive = _export(world)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for absent in (b"sounded upset", b"disputes the invoice", b"Stranger", b"secret body"):
        assert absent not in everything, absent
    # Otto's ticket (she was copied) shows its public messages; his own contact record is not exported
    assert OTHER_EMAIL.encode() not in archive.read("contact.json")


def test_each_export_is_recorded(world):
    _export(world)
    action = PrivacyAction.objects.get()
    assert (action.kind, action.contact_ref, action.actor) == ("export", world["zelda"].pk, world["admin"])
    assert action.summary["messages"] >= 3 and action.summary["tickets"] == 2


def test_the_api_gives_admins_the_zip(world, as_user, django_assert_max_num_queries):
    client = as_user(world["admin"])
    # a fixed number of queries whatever the number of tickets and messages (rows are read in chunks)
    with django_assert_max_num_queries(30):
        response = client.get(f"/api/v1/contacts/{world['zelda'].pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"contact-{world['zelda'].pk}-export.zip" in response["Content-Disposition"]
    archive = _open(b"".join(response.streaming_content))
    assert _json(archive, "contact.json")["email"] == EMAIL


def test_the_export_runs_the_same_number_of_queries_for_more_tickets_and_files(world, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets import services
    from tickets.attachments.store import IncomingFile

    client, url = as_user(world["admin"]), f"/api/v1/contacts/{world['zelda'].pk}/export/"
    with CaptureQueriesContext(connection) as before:
        b"".join(client.get(url).streaming_content)
    for n in range(5):
        ticket = services.ticket_open(actor=None, requester=world["zelda"], subject=f"More {n}", body="more")
        services.ticket_reply(
            ticket=ticket, actor=world["agent"], body="ok", attachments=[IncomingFile(name=f"f{n}.txt", content=b"x")]
        )
    with CaptureQueriesContext(connection) as after:
        data = b"".join(client.get(url).streaming_content)
    assert len(after) == len(before)
    assert len(_json(_open(data), "tickets.json")) == 7


def test_the_api_refuses_agents_and_other_customers(world, as_user, customer):
    zelda = world["zelda"]
    assert as_user(world["agent"]).get(f"/api/v1/contacts/{zelda.pk}/export/").status_code == 403
    assert as_user(customer).get(f"/api/v1/contacts/{zelda.pk}/export/").status_code == 404  # not hers to see
    assert as_user(None).get(f"/api/v1/contacts/{zelda.pk}/export/").status_code == 401
    assert not PrivacyAction.objects.exists()


def test_the_api_lets_a_customer_export_herself(world, as_user):
    # The portal's "download my data" (art. 15/20) is the same service: the API follows it.
    zelda = world["zelda"]
    response = as_user(zelda.user).get(f"/api/v1/contacts/{zelda.pk}/export/")
    assert response.status_code == 200
    assert _json(_open(b"".join(response.streaming_content)), "contact.json")["email"] == EMAIL
    action = PrivacyAction.objects.get()
    assert action.kind == "export" and action.actor == zelda.user and action.contact_ref == zelda.pk


def test_the_page_download_is_for_admins_only(world, client):
    url = f"/agent/contacts/{world['zelda'].pk}/export/"
    client.force_login(world["agent"])
    assert client.get(url).status_code == 403
    client.force_login(world["zelda"].user)
    assert client.get(url).status_code == 404  # the agent workspace is not part of a customer's world
    client.force_login(world["admin"])
    response = client.get(url)
    assert response.status_code == 200
    assert _json(_open(b"".join(response.streaming_content)), "contact.json")["full_name"] == NAME
