"""A Python client generated from the live schema imports and works (openapi-python-client).

The schema is fetched from a running server, the generator runs as other systems would run it, every
generated module must import, and the client then drives a short agent workflow over real HTTP:
sign in, open a ticket with an Idempotency-Key (twice: one ticket), add an internal note, upload a
file, filter the list, change the status, and read a refused transition as the error model.
"""

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import make_ticket
from tests.tickets.conftest import contact_of

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "helpdesk_generated_client"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory):
    """The generated package (once for the module), imported; its modules leave sys.modules afterwards."""
    tmp_path = tmp_path_factory.mktemp("generated")
    config = tmp_path / "generator.json"
    config.write_text(json.dumps({"post_hooks": []}))  # the code as generated, whether or not ruff is on PATH
    run = subprocess.run(
        [str(GENERATOR), "generate", "--url", f"{live_server.url}/api/schema/", "--meta", "none"]
        + ["--output-path", str(tmp_path / PACKAGE), "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE), run.stdout + run.stderr
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_every_module_of_the_generated_client_imports(generated):
    package, output = generated
    failures = {}
    names = [info.name for info in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.")]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - every failure is reported at once
            failures[name] = f"{type(exc).__name__}: {exc}"
    assert failures == {}
    assert len([name for name in names if ".api." in name]) > 80
    # The generator's one remark: the email push endpoint's `message/rfc822` (it uses the
    # application/octet-stream alternative, which the endpoint also takes).
    warnings = [line for line in output.splitlines() if line.startswith("WARNING")]
    assert warnings == ["WARNING parsing POST /api/v1/email/inbound/{mailbox_id}/ within v1."]


def test_an_agent_works_a_ticket_through_the_generated_client(generated, live_server, agent, customer):
    client_module = _module("client")
    models = _module("models")
    types = _module("types")
    api = "api.v1."

    anonymous = client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    login = _module(api + "v1_auth_token_create").sync(
        client=anonymous, body=models.TokenLoginInputRequest(email=agent.email, password="secret-pass-1")
    )
    client = client_module.AuthenticatedClient(
        base_url=live_server.url, token=login.token, prefix="Token", raise_on_unexpected_status=True
    )

    create = _module(api + "tickets_create")
    new_ticket = models.TicketAgentCreateInputRequest(
        subject="Printer on fire", body="Smoke from tray 2.", requester_email=customer.email
    )
    first = create.sync_detailed(client=client, body=new_ticket, idempotency_key="ext-4711")
    again = create.sync_detailed(client=client, body=new_ticket, idempotency_key="ext-4711")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.parsed.id == again.parsed.id
    assert again.headers["Idempotent-Replayed"] == "true"
    ticket_id = first.parsed.id
    assert first.parsed.status == models.TicketStatusEnum.NEW

    messages = _module(api + "tickets_messages_create")
    note = messages.sync(
        id=ticket_id, client=client, body=models.MessageCreateInputRequest(body="Called them back.", internal=True)
    )
    assert note.internal is True
    upload = models.MessageCreateMultipartInputRequest(
        body="The log you asked for.",
        attachments=[types.File(payload=b"paper jam\n", file_name="printer.log", mime_type="text/plain")],
    )
    reply = messages.sync(id=ticket_id, client=client, body=upload)
    assert [(a.name, a.size) for a in reply.attachments] == [("printer.log", 10)]

    update = _module(api + "tickets_partial_update")
    opened = update.sync(
        id=ticket_id,
        client=client,
        body=models.PatchedTicketAgentUpdateInputRequest(status=models.TicketStatusEnum.OPEN),
    )
    assert opened.status == models.TicketStatusEnum.OPEN

    listing = _module(api + "tickets_list")
    open_ones = listing.sync(client=client, status=[models.TicketsListStatusItem.OPEN])
    assert [t.id for t in open_ones.results] == [ticket_id]
    assert listing.sync(client=client, status=[models.TicketsListStatusItem.NEW]).results == []

    refused = update.sync_detailed(
        id=ticket_id,
        client=client,
        body=models.PatchedTicketAgentUpdateInputRequest(status=models.TicketStatusEnum.NEW),
    )
    assert refused.status_code == 409
    assert isinstance(refused.parsed, models.ErrorOutput)
    assert refused.parsed.code == "invalid_transition"


def test_a_customer_reads_their_tickets_events_through_the_generated_client(generated, live_server, customer):
    """A customer's events come without `actor`, `data` and `public` (agents only): the generated
    model must read them (it raised KeyError 'actor' while the schema called them required)."""
    ticket = make_ticket(requester=contact_of(customer), subject="Printer on fire")
    client_module = _module("client")
    models = _module("models")
    anonymous = client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    login = _module("api.v1.v1_auth_token_create").sync(
        client=anonymous, body=models.TokenLoginInputRequest(email=customer.email, password="secret-pass-1")
    )
    client = client_module.AuthenticatedClient(
        base_url=live_server.url, token=login.token, prefix="Token", raise_on_unexpected_status=True
    )
    events = _module("api.v1.tickets_events_list").sync(id=ticket.pk, client=client)
    assert events.results and all(event.kind for event in events.results)
    assert {type(event.actor).__name__ for event in events.results} == {"Unset"}
