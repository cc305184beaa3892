"""Images from other sites in a customer's message are held back on the agent's ticket page until the
agent asks for them: a tracking pixel in a customer's mail never tells its sender when, or from where,
an agent read it. Our own images (attachments, inline parts) and agents' own messages load as before."""

import re

import pytest
from django.test import Client

from customers.models import Contact
from tests.factories import make_ticket
from tickets import services
from tickets.content import remote_images_held, sanitize_html

pytestmark = pytest.mark.django_db

PIXEL = "https://tracker.example/open.gif?id=42&amp;u=9"


def test_only_images_on_other_hosts_are_held():
    body = sanitize_html(
        f'<p>Hi</p><img src="{PIXEL}" alt="logo"><img src="//cdn.example/a.png">'
        '<img src="/agent/attachments/7/download/"><img src="cid:part1@mail"><a href="https://x.example/">x</a>'
    )
    held, count = remote_images_held(body)
    assert count == 2
    assert f'data-remote-src="{PIXEL}"' in held and 'data-remote-src="//cdn.example/a.png"' in held
    assert 'src="/agent/attachments/7/download/"' in held and 'src="cid:part1@mail"' in held
    assert not re.search(r'\ssrc="(https?:)?//', held)  # nothing the browser would fetch from elsewhere
    assert 'href="https://x.example/"' in held  # links are not loads
    assert remote_images_held("<p>no pictures</p>") == ("<p>no pictures</p>", 0)


@pytest.fixture
def ticket_with_pixel(customer, agent):
    requester = Contact.objects.get(user=customer)
    ticket = make_ticket(requester=requester, subject="Invoice", body="See below")
    services.ticket_reply(
        ticket=ticket,
        actor=None,
        contact=requester,
        body="",
        body_html=f'<p>Our logo:</p><img src="{PIXEL}" alt="logo">',
        channel="email",
    )
    services.ticket_reply(
        ticket=ticket, actor=agent, body="", body_html='<p>Diagram</p><img src="https://docs.example/d.png" alt="d">'
    )
    return ticket


def _page(client: Client, ticket) -> str:
    response = client.get(f"/agent/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_ticket_page_holds_a_customers_remote_image_and_says_so(agent_client, ticket_with_pixel):
    html = _page(agent_client, ticket_with_pixel)
    assert f' src="{PIXEL}"' not in html and f'data-remote-src="{PIXEL}"' in html
    assert html.count("data-show-remote") == 1
    assert "This message has 1 image from another site." in html
    assert 'src="https://docs.example/d.png"' in html  # an agent's own message loads as written


def test_the_note_is_in_persian_with_persian_digits(agent_client, agent, ticket_with_pixel):
    agent.language = "fa"
    agent.save()
    html = _page(agent_client, ticket_with_pixel)
    assert "۱" in re.search(r'<p class="remote-images[^>]*>(.*?)<button', html, re.S).group(1)
    assert "نمایش تصویرها" in html


def test_the_customer_sees_her_own_message_as_she_wrote_it(customer, ticket_with_pixel):
    client = Client()
    client.force_login(customer)
    html = client.get(f"/portal/requests/{ticket_with_pixel.pk}/").content.decode()
    assert "data-show-remote" not in html
