"""Product feedback services: linking, demand counted by the database, status changes, telling customers."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from helpdesk.exceptions import Conflict, NotAllowed, NotVisible
from helpdesk.models import NotificationLog
from tickets.feedback import notify, selectors, services
from tickets.models import EventKind, FeedbackLink, FeedbackStatusChange, Message, TicketEvent

pytestmark = pytest.mark.django_db


def test_demand_matches_a_hand_count(item, known, contracts):
    demand = selectors.feedback_demand(item=item)
    assert (demand.tickets, demand.customers, demand.organizations) == (4, 3, 2)
    assert demand.first_request == known["start"]
    assert demand.latest_request == known["start"] + 3 * (known["tickets"][1].created_at - known["start"])
    assert [c.name for c in demand.contracts] == ["Acme gold", "Globex basic"]
    assert demand.contract_value == Decimal("1200.00")


def test_demand_is_counted_in_two_queries_whatever_the_number_of_tickets(item, django_assert_num_queries):
    with django_assert_num_queries(2):  # the tickets' aggregates; the active contracts with their total
        selectors.feedback_demand(item=item)


def test_list_counts_come_from_the_same_query(item, agent, django_assert_num_queries):
    with django_assert_num_queries(1):
        row = selectors.feedback_item_list_for(user=agent).get(pk=item.pk)
    assert (row.ticket_count, row.customer_count, row.organization_count) == (4, 3, 2)


def test_an_empty_item_has_no_demand(agent):
    empty = services.feedback_item_create(actor=agent, title="Nothing yet")
    demand = selectors.feedback_demand(item=empty)
    assert (demand.tickets, demand.customers, demand.organizations, demand.contracts) == (0, 0, 0, [])
    assert demand.first_request is None and demand.contract_value is None


def test_linking_twice_keeps_one_link_and_one_event(item, known, agent):
    ticket = known["tickets"][0]
    assert services.feedback_link(item=item, tickets=[ticket], actor=agent) == []
    assert FeedbackLink.objects.filter(item=item, ticket=ticket).count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.FEEDBACK_LINKED).count() == 1


def test_link_events_are_never_public(item, known):
    event = TicketEvent.objects.get(ticket=known["tickets"][0], kind=EventKind.FEEDBACK_LINKED)
    assert event.public is False


def test_unlink_removes_the_ticket_from_the_demand(item, known, agent):
    assert services.feedback_unlink(item=item, ticket=known["tickets"][3], actor=agent) is True
    demand = selectors.feedback_demand(item=item)
    assert (demand.tickets, demand.customers, demand.organizations) == (3, 2, 1)
    assert services.feedback_unlink(item=item, ticket=known["tickets"][3], actor=agent) is False


def test_a_customer_cannot_link_or_create(customer, known, item):
    with pytest.raises(NotAllowed):
        services.feedback_item_create(actor=customer, title="Mine")
    with pytest.raises(NotAllowed):
        services.feedback_link(item=item, tickets=[known["unlinked"]], actor=customer)


def test_a_ticket_the_actor_cannot_see_links_nothing(item, known, agent, monkeypatch):
    """Visibility is the ticket selector's: a ticket outside it refuses the whole call (404)."""
    from tickets import selectors as ticket_selectors

    real = ticket_selectors.ticket_base_for
    hidden = known["unlinked"].pk
    monkeypatch.setattr(ticket_selectors, "ticket_base_for", lambda *, user: real(user=user).exclude(pk=hidden))
    with pytest.raises(NotVisible):
        services.feedback_link(item=item, tickets=[known["tickets"][0], known["unlinked"]], actor=agent)
    assert not FeedbackLink.objects.filter(ticket=known["unlinked"]).exists()


def test_only_admins_delete(item, agent, admin_user):
    with pytest.raises(NotAllowed):
        services.feedback_item_delete(item=item, actor=agent)
    services.feedback_item_delete(item=item, actor=admin_user)


def test_title_and_owner_are_checked(agent, customer):
    with pytest.raises(ValidationError) as exc:
        services.feedback_item_create(actor=agent, title="  ", owner=customer)
    assert set(exc.value.message_dict) == {"title", "owner"}


def test_from_ticket_takes_its_product_and_links_it(agent, known):
    ticket = known["unlinked"]
    item = services.feedback_item_from_ticket(ticket=ticket, actor=agent, title="Export to CSV", kind="improvement")
    assert list(item.links.values_list("ticket_id", flat=True)) == [ticket.pk]
    assert item.product_id == ticket.product_id


def test_a_status_change_is_recorded_once(item, agent):
    services.feedback_item_update(item=item, actor=agent, changes={"status": "planned"})
    services.feedback_item_update(item=item, actor=agent, changes={"status": "planned", "tracker_key": "DEV-1"})
    changes = list(FeedbackStatusChange.objects.filter(item=item).values_list("old_status", "new_status"))
    assert changes == [("new", "planned")]


def test_customers_can_only_be_told_a_final_outcome(item, agent):
    with pytest.raises(Conflict):
        services.feedback_item_notify(item=item, actor=agent)


def _ship(item, agent):
    return services.feedback_item_update(item=item, actor=agent, changes={"status": "shipped"})


def test_notify_replies_once_per_ticket_in_each_customers_language(item, known, agent, customer, other_customer):
    other_customer.language = "fa"
    other_customer.save()
    item = _ship(item, agent)
    assert services.feedback_item_notify(item=item, actor=agent) == 4
    told, more = notify.feedback_notify_pending(item_id=item.pk, actor_id=agent.pk, status="shipped")
    assert (told, more) == (4, False)
    replies = {m.ticket_id: m for m in Message.objects.filter(ticket__in=known["tickets"], author_user=agent)}
    assert set(replies) == {t.pk for t in known["tickets"]}
    assert all(not m.internal for m in replies.values())
    assert "Dark mode" in replies[known["tickets"][0].pk].body_text
    assert "now available" in replies[known["tickets"][0].pk].body_text
    assert "در دسترس" in replies[known["tickets"][3].pk].body_text  # Otto reads Persian
    assert (
        NotificationLog.objects.filter(template="agent_reply", ticket_id__in=[t.pk for t in known["tickets"]]).count()
        == 4
    )
    links = FeedbackLink.objects.filter(item=item)
    assert all(link.notified_status == "shipped" and link.notified_message_id for link in links)


def test_a_second_notify_tells_nobody_twice(item, known, agent):
    item = _ship(item, agent)
    notify.feedback_notify_pending(item_id=item.pk, actor_id=agent.pk, status="shipped")
    assert services.feedback_item_notify(item=item, actor=agent) == 0
    assert notify.feedback_notify_pending(item_id=item.pk, actor_id=agent.pk, status="shipped") == (0, False)
    assert Message.objects.filter(ticket__in=known["tickets"], author_user=agent).count() == 4


def test_a_job_for_an_outcome_that_changed_meanwhile_does_nothing(item, agent):
    item = _ship(item, agent)
    services.feedback_item_update(item=item, actor=agent, changes={"status": "declined"})
    assert notify.feedback_notify_pending(item_id=item.pk, actor_id=agent.pk, status="shipped") == (0, False)


def test_notify_works_in_batches(item, agent):
    item = _ship(item, agent)
    assert notify.feedback_notify_pending(item_id=item.pk, actor_id=agent.pk, status="shipped", limit=3) == (3, True)
    assert notify.feedback_notify_pending(item_id=item.pk, actor_id=agent.pk, status="shipped", limit=3) == (1, False)
