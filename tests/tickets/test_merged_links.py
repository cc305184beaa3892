"""A link to a merged request (the acknowledgement mail's) takes its customer on to the request it
was merged into, following merges of merges, and only when they may see that one: otherwise the
same 404 as for a number that does not exist (tickets.selectors.ticket_survivor_for)."""

import pytest
from django.urls import reverse

from tests.factories import make_ticket
from tests.tickets.conftest import contact_of
from tickets import services

pytestmark = pytest.mark.django_db


def _merge(source, target, agent) -> None:
    services.ticket_merge(source=source, target=target, actor=agent)


def test_the_link_to_a_merged_request_goes_on_to_the_one_it_was_merged_into(client, customer, make, agent):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    _merge(source, target, agent)
    client.force_login(customer)
    response = client.get(reverse("portal:ticket", args=[source.pk]), follow=True)
    assert response.redirect_chain == [(reverse("portal:ticket", args=[target.pk]), 302)]
    page = response.content.decode()
    assert f"Request #{source.pk} was merged into request #{target.pk}" in page
    assert "Keeper" in page


def test_the_link_follows_merges_of_merges(client, customer, make, agent):
    first, second, third = make(subject="One"), make(subject="Two"), make(subject="Three")
    _merge(first, second, agent)
    _merge(second, third, agent)
    client.force_login(customer)
    response = client.get(reverse("portal:ticket", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:ticket", args=[third.pk])


def test_the_merged_message_is_in_persian_for_a_persian_customer(client, customer, make, agent):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    _merge(source, target, agent)
    customer.language = "fa"
    customer.save(update_fields=["language"])
    client.force_login(customer)
    response = client.get(reverse("portal:ticket", args=[source.pk]), follow=True)
    assert response.status_code == 200
    assert "ادغام شد" in response.content.decode()


def test_a_merge_into_another_organizations_request_stays_a_404_that_names_nothing(
    client, customer, make, agent, other_customer
):
    source = make(subject="Duplicate")
    target = make_ticket(requester=contact_of(other_customer), subject="Theirs")
    _merge(source, target, agent)
    client.force_login(customer)
    response = client.get(reverse("portal:ticket", args=[source.pk]))
    assert response.status_code == 404
    assert f"#{target.pk}" not in response.content.decode() and "Theirs" not in response.content.decode()


def test_another_customer_cannot_follow_the_link_of_someone_elses_merged_request(client, other_customer, make, agent):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    _merge(source, target, agent)
    client.force_login(other_customer)
    assert client.get(reverse("portal:ticket", args=[source.pk])).status_code == 404


def test_a_colleague_who_sees_the_shared_target_is_taken_there(client, colleague, make, agent):
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    _merge(source, target, agent)
    client.force_login(colleague)  # Acme shares its requests
    response = client.get(reverse("portal:ticket", args=[source.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:ticket", args=[target.pk])


def test_a_number_that_does_not_exist_is_still_a_404(client, customer):
    client.force_login(customer)
    assert client.get(reverse("portal:ticket", args=[987654])).status_code == 404


def test_the_api_answers_a_merged_ticket_with_a_404_to_customers_and_the_ticket_to_agents(
    as_user, customer, agent, make
):
    """The API keeps merged tickets out of what a customer reads (a REST client gets no redirect);
    an agent reads the merged ticket itself, with `merged_into` saying where it went."""
    source, target = make(subject="Duplicate"), make(subject="Keeper")
    _merge(source, target, agent)
    url = reverse("api-ticket-detail", args=[source.pk])
    assert as_user(customer).get(url).status_code == 404
    response = as_user(agent).get(url)
    assert response.status_code == 200 and response.json()["merged_into"] == target.pk
