"""What agents see of a mail reply: the new part only; the whole original stays downloadable."""

import pytest

from tests.tickets.conftest import make_mail
from tickets.email.ingest import email_ingest


@pytest.fixture
def quoted_reply(db, mailbox):
    text = "Thanks, that fixed it.\n\nOn Tue, 3 Mar 2026 at 10:00, Support <support@helpdesk.test> wrote:\n> Try restarting.\n"
    html = (
        "<p>Thanks, that fixed it.</p><div>On Tue, 3 Mar 2026 at 10:00, Support &lt;support@helpdesk.test&gt; wrote:"
        "<blockquote><p>Try restarting.</p></blockquote></div>"
    )
    inbound = email_ingest(raw=make_mail(body=text, html=html, subject="Printer"), mailbox=mailbox)
    return inbound.ticket_message


def test_quoted_history_is_stripped_from_the_html_agents_see(quoted_reply):
    assert "Thanks, that fixed it." in quoted_reply.body_html
    assert "Try restarting" not in quoted_reply.body_html
    assert "Try restarting" not in quoted_reply.body_text


def test_agents_download_the_original_mail_and_customers_cannot(client, agent, customer, quoted_reply):
    url = f"/agent/tickets/{quoted_reply.ticket_id}/messages/{quoted_reply.pk}/original.eml"
    client.force_login(agent)
    page = client.get(f"/agent/tickets/{quoted_reply.ticket_id}/").content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert b"Try restarting." in b"".join(response.streaming_content)
    client.force_login(customer)
    assert client.get(url).status_code == 404
