from datetime import date

import pytest
from django.core.exceptions import ValidationError

from customers import selectors, services
from customers.models import SlaPolicy

pytestmark = pytest.mark.django_db

ON = date(2026, 6, 1)


def test_contract_for_prefers_the_contract_covering_the_product(world, customer):
    other = services.contract_create(
        name="Acme newer", organization=world.acme, sla_policy=world.premium, valid_from=date(2026, 3, 1)
    )
    org = world.acme
    assert selectors.contract_for(contact=customer.contact, organization=org, on=ON) == other  # newest wins
    assert (
        selectors.contract_for(contact=customer.contact, organization=org, on=ON, product=world.cloud)
        == world.acme_contract
    )


def test_contract_for_ignores_expired_and_future_contracts(world, customer):
    services.contract_update(contract=world.acme_contract, data={"valid_to": date(2026, 3, 31)})
    services.contract_create(
        name="Future", organization=world.acme, sla_policy=world.premium, valid_from=date(2027, 1, 1)
    )
    assert selectors.contract_for(contact=customer.contact, organization=world.acme, on=ON) is None
    assert (
        selectors.contract_for(contact=customer.contact, organization=world.acme, on=date(2026, 2, 1))
        == world.acme_contract
    )


def test_contract_for_prefers_the_contacts_own_contract(world, colleague):
    found = selectors.contract_for(contact=colleague.contact, organization=world.acme, on=ON)
    assert found == world.colleague_contract


def test_sla_policy_falls_back_from_contract_to_organization_to_default(world):
    assert selectors.sla_policy_for(contract=world.globex_contract, organization=world.globex) == world.premium
    services.organization_update(organization=world.globex, data={"sla_policy": world.premium})
    assert selectors.sla_policy_for(contract=None, organization=world.globex) == world.premium
    assert selectors.sla_policy_for(contract=None, organization=world.initech) == world.standard  # the default
    SlaPolicy.objects.filter(pk=world.premium.pk).update(is_active=False)
    world.globex.refresh_from_db()
    assert selectors.sla_policy_for(contract=None, organization=world.globex) == world.standard


def test_contact_search_finds_persian_digits_typed_for_an_international_number(agent):
    contact = services.contact_create(email="caller@x.test", phone="+98 912 123 4567")
    services.contact_create(email="someone@x.test", phone="+98 912 765 4321")
    assert list(selectors.contact_search(user=agent, q="۰۹۱۲ ۱۲۳ ۴۵۶۷")) == [contact]
    assert list(selectors.contact_search(user=agent, q="123 4567")) == [contact]
    assert list(selectors.contact_search(user=agent, q="+989121234567")) == [contact]


def test_contact_search_finds_national_numbers_from_international_input(agent):
    contact = services.contact_create(email="local@x.test", phone="0912-123-4567")
    assert list(selectors.contact_search(user=agent, q="+98 912 123 4567")) == [contact]


def test_contact_search_folds_arabic_and_persian_letters_and_matches_email(agent):
    sara = services.contact_create(email="sara@parsian.test", full_name="سارا کریمی")
    services.contact_create(email="ali@x.test", full_name="Ali Ahmadi")
    assert list(selectors.contact_search(user=agent, q="كريمي")) == [sara]  # Arabic kaf and yeh
    assert list(selectors.contact_search(user=agent, q="PARSIAN")) == [sara]
    assert list(selectors.contact_search(user=agent, q="ali ahmadi")) != [sara]


def test_contact_search_for_a_customer_never_finds_others(customer, other_customer):
    assert list(selectors.contact_search(user=customer, q="otto")) == []


def test_contact_find_by_email_or_phone():
    contact = services.contact_create(email="find@x.test", phone="+98 21 8877 6655")
    assert selectors.contact_find(email="FIND@x.test") == contact
    assert selectors.contact_find(phone="۰۲۱ ۸۸۷۷ ۶۶۵۵") == contact
    assert selectors.contact_find(phone="123") is None
    assert selectors.contact_find(email="nobody@x.test") is None


def test_contact_find_refuses_a_number_several_contacts_share():
    first = services.contact_create(full_name="Bob", phone="+1 555 0101")
    second = services.contact_create(full_name="Alice", phone="1 555 0101")
    with pytest.raises(ValidationError) as refused:
        selectors.contact_find(phone="+1-555-0101")
    assert f"(ids {first.pk}, {second.pk})" in refused.value.message_dict["phone"][0]


@pytest.mark.parametrize(
    ("name", "contracts", "products", "policies"),
    [
        ("customer", {"acme_contract"}, {"cloud"}, {"standard"}),
        ("colleague", {"acme_contract", "colleague_contract"}, {"cloud", "mail"}, {"standard"}),
        ("private_colleague", {"initech_contract"}, {"erp"}, {"standard"}),
        ("other_customer", {"globex_contract"}, {"erp"}, {"premium"}),
    ],
)
def test_customers_see_only_what_their_contracts_cover(world, persona, name, contracts, products, policies):
    user = persona(name)
    assert set(selectors.contract_list_for(user=user)) == {getattr(world, c) for c in contracts}
    assert set(selectors.product_list_for(user=user)) == {getattr(world, p) for p in products}
    assert set(selectors.sla_policy_list_for(user=user)) == {getattr(world, p) for p in policies}
    assert list(selectors.organization_list_for(user=user)) == [user.contact.organization]
    assert list(selectors.contact_list_for(user=user)) == [user.contact]
    assert not selectors.calendar_list_for(user=user).exists()


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    for selector in (
        selectors.contact_list_for,
        selectors.organization_list_for,
        selectors.product_list_for,
        selectors.contract_list_for,
        selectors.sla_policy_list_for,
        selectors.calendar_list_for,
    ):
        assert not selector(user=anon).exists()
