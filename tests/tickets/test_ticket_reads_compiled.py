"""The reads of one ticket whose statements are compiled once per process (tickets.selectors.ticket_get_for,
tickets.timeline_reads): they find what the ORM's querysets find for each user, and a statement compiled
while one customer read a ticket never shows another customer what only the first may see."""

import pytest
from django.http import Http404

from tests import factories
from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets import selectors, services, timeline_reads
from tickets.attachments.store import IncomingFile
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _files(*names: str) -> list[IncomingFile]:
    return [IncomingFile(name=name, content=name.encode(), content_type="text/plain") for name in names]


def _conversation(ticket, agent, customer, other_team):
    services.ticket_reply(ticket=ticket, actor=agent, body="public answer", attachments=_files("b.txt", "a.txt"))
    services.ticket_reply(ticket=ticket, actor=agent, body="secret note", internal=True, attachments=_files("n.txt"))
    services.ticket_reply(
        ticket=ticket,
        actor=customer,
        contact=contact_of(customer),
        body="with a file",
        attachments=[IncomingFile(name="shot.png", content=b"\x89PNG fake", content_type="image/png")],
    )
    services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="Can you check?")
    answered = services.ticket_refer(ticket=ticket, actor=agent, to_team=other_team, note="And this?")
    services.referral_answer(referral=answered, actor=agent, answer="Done.")


def _described(messages, events, referrals):
    return (
        [
            (
                m.pk,
                m.body_text,
                m.internal,
                m.author_user_id,
                str(m.author_contact or ""),
                [a.original_name for a in m.attachments.all()],
            )
            for m in messages
        ],
        [(e.pk, e.kind, e.public, e.actor_id and e.actor.email) for e in events],
        [
            (
                r.pk,
                r.to_team.name,
                r.from_team_id and r.from_team.name,
                r.requested_by.email,
                r.answered_by_id and r.answered_by.email,
            )
            for r in referrals
        ],
    )


@pytest.mark.parametrize("who", ["agent", "customer"])
def test_the_timeline_is_what_the_orm_reads(
    who, agent, customer, team, other_team, acme_ticket, request, django_assert_num_queries
):
    services.ticket_edit(ticket=acme_ticket, actor=agent, changes={"team": team})
    _conversation(acme_ticket, agent, customer, other_team)
    user = request.getfixturevalue(who)
    ticket = selectors.ticket_get_for(user=user, ticket_id=acme_ticket.pk)
    orm_referrals = list(ticket.referrals.select_related("from_team", "to_team", "requested_by").order_by("created_at"))
    orm = (
        list(timeline_reads.message_list_for(user=user, ticket=ticket)),
        list(timeline_reads.event_list_for(user=user, ticket=ticket)),
        orm_referrals if user.is_agent else [],
    )
    expected = _described(*orm)
    with django_assert_num_queries(1):  # one statement; the authors, actors and teams came with it
        compiled = timeline_reads.timeline_parts(user=user, ticket=ticket)
        assert _described(*compiled) == expected
    assert [(e.data, e.created_at) for e in compiled[1]] == [(e.data, e.created_at) for e in orm[1]]
    assert not user.is_agent or any(isinstance(e.data.get("referral"), int) for e in compiled[1])  # JSON, decoded
    assert compiled[2] == [] or any(r.answered_by_id for r in compiled[2])
    notes = [m for m in compiled[0] if m.internal]
    assert bool(notes) is user.is_agent  # customers never get notes, nor their files
    assert all(row.ticket is ticket for part in compiled for row in part)
    files = {m.body_text: [a.original_name for a in m.attachments.all()] for m in compiled[0]}
    assert files["public answer"] == ["b.txt", "a.txt"] and files["with a file"] == ["shot.png"]
    assert files.get("secret note", ["n.txt"]) == ["n.txt"]
    shown = [name for names in files.values() for name in names]
    assert ("n.txt" in shown) is user.is_agent  # a note's file never reaches a customer by another message
    with django_assert_num_queries(0):  # the attachments and their message came with the timeline
        assert all(a.message is m for m in compiled[0] for a in m.attachments.all())


@pytest.mark.parametrize("first", ["shared", "private"])
def test_each_customer_sees_only_their_tickets_whoever_read_first(
    first,
    customer,
    colleague,
    private_customer,
    private_colleague,
    other_customer,
    acme_ticket,
    private_ticket,
    monkeypatch,
):
    # Acme shares its tickets, Initech does not: each shape's statement is compiled by its first read
    monkeypatch.setattr(selectors, "_VISIBLE", {})
    reads = [
        (customer, acme_ticket, True),
        (colleague, acme_ticket, True),
        (other_customer, acme_ticket, False),
        (private_customer, private_ticket, True),
        (private_colleague, private_ticket, False),
        (customer, private_ticket, False),
        (private_customer, acme_ticket, False),
    ]
    for _ in range(2):
        for user, ticket, visible in reads if first == "shared" else reversed(reads):
            if visible:
                assert selectors.ticket_get_for(user=user, ticket_id=ticket.pk).pk == ticket.pk
            else:
                with pytest.raises(Http404):
                    selectors.ticket_get_for(user=user, ticket_id=ticket.pk)


def test_a_merged_ticket_is_hidden_from_customers_not_from_agents(agent, customer, acme_ticket, make):
    target = make(subject="Kept")
    Ticket.objects.filter(pk=acme_ticket.pk).update(merged_into=target)
    assert selectors.ticket_get_for(user=agent, ticket_id=acme_ticket.pk).pk == acme_ticket.pk
    with pytest.raises(Http404):
        selectors.ticket_get_for(user=customer, ticket_id=acme_ticket.pk)


@pytest.mark.parametrize("ticket_id", ["abc", None, 0, -5, 2**63, 10**30])
def test_an_id_no_ticket_can_have_is_a_404(agent, ticket_id):
    with pytest.raises(Http404):
        selectors.ticket_get_for(user=agent, ticket_id=ticket_id)


def test_a_login_without_a_contact_sees_no_ticket(acme_ticket):
    stray = factories.UserFactory(role="customer", email="stray@test.example")
    with pytest.raises(Http404):
        selectors.ticket_get_for(user=stray, ticket_id=acme_ticket.pk)


@pytest.mark.parametrize("first", ["shared", "private"])
def test_each_customers_portal_home_lists_their_own_requests_whoever_read_first(
    first, customer, colleague, private_customer, private_colleague, acme_ticket, private_ticket, monkeypatch
):
    """The portal home's lists run statements compiled per shape of visibility (selectors.visible_fetch):
    each customer's home lists their own requests, never those of the customer the statement was compiled
    for, and is what the ORM's queryset reads."""
    from customers.selectors import contact_for_user
    from tickets.portal.home import portal_home_for

    monkeypatch.setattr(selectors, "_VISIBLE", {})
    bobs = make_ticket(requester=contact_of(colleague), actor=colleague, subject="Bob's own")
    Ticket.objects.filter(pk=bobs.pk).update(status="solved")  # in the solved list
    expected = {
        customer: [acme_ticket.pk],
        colleague: [bobs.pk],
        private_customer: [private_ticket.pk],
        private_colleague: [],
    }
    users = list(expected) if first == "shared" else list(reversed(expected))
    for _ in range(2):
        for user in users:
            home = portal_home_for(user=user, contact=contact_for_user(user=user))
            listed = [row.ticket.pk for row in home.open_rows + home.solved_rows]
            orm = list(selectors.ticket_base_for(user=user).filter(requester__user=user).values_list("pk", flat=True))
            assert sorted(listed) == sorted(expected[user]) == sorted(orm), user.email
