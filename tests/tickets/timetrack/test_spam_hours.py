"""Time logged on a ticket marked as spam is not the customer's: no contract's hours bank counts it, on
any channel that shows the bank (the API, the portal's contract page, the sidebar, the report), and it
counts again if the ticket turns out not to be spam."""

from tests.factories import make_ticket
from tickets import services
from tickets.timetrack.selectors import contract_hours, contracts_hours


def test_time_on_a_spam_ticket_leaves_the_hours_bank(
    as_user, agent, customer, acme_ticket, acme_contract, globex_contract, log
):
    junk = make_ticket(requester=customer.contact, actor=customer, subject="Cheap watches")
    assert junk.contract_id == acme_contract.pk
    log(acme_ticket, agent, 60)
    log(junk, agent, 30)  # looked into before it was recognised as spam
    assert contract_hours(contract=acme_contract).used_minutes == 90

    services.ticket_mark_spam(ticket=junk, actor=agent, block_sender=False)
    assert contract_hours(contract=acme_contract).used_minutes == 60
    assert [bank.used_minutes for bank in contracts_hours(contracts=[acme_contract, globex_contract])] == [60, 0]
    for user in (agent, customer):
        assert as_user(user).get(f"/api/v1/contracts/{acme_contract.pk}/hours/").json()["used_minutes"] == 60

    junk.refresh_from_db()
    services.ticket_edit(ticket=junk, actor=agent, tags=[t.name for t in junk.tags.all() if t.name != "spam"])
    assert contract_hours(contract=acme_contract).used_minutes == 90


def test_the_banks_read_in_the_same_queries_with_spam_among_the_entries(
    agent, customer, acme_ticket, acme_contract, globex_contract, log, django_assert_num_queries
):
    junk = make_ticket(requester=customer.contact, actor=customer, subject="Cheap watches")
    log(acme_ticket, agent, 60)
    log(junk, agent, 30)
    services.ticket_mark_spam(ticket=junk, actor=agent, block_sender=False)
    with django_assert_num_queries(1):
        contract_hours(contract=acme_contract)
    with django_assert_num_queries(1):
        contracts_hours(contracts=[acme_contract, globex_contract])
