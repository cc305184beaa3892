"""The routing rules' admin list names the records a rule's conditions target (the first three, then
"+N"), read for the whole page at once, and separates conditions with «؛» on Persian pages."""

import pytest
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db

LIST = "/admin/tickets/routingrule/"


def _orgs(*names):
    return [factories.OrganizationFactory(name=name).pk for name in names]


def test_the_list_names_the_organizations_a_rule_targets(admin_client, rule, billing):
    rule(name="Acme", conditions=[{"field": "organization", "values": _orgs("Acme Corp")}], set_team=billing)
    page = admin_client.get(LIST).content.decode()
    assert "Organization: Acme Corp" in page and "Organization: 1" not in page


def test_a_long_list_shows_three_names_and_how_many_more(admin_client, rule, billing):
    ids = _orgs("Org A", "Org B", "Org C", "Org D", "Org E")
    rule(name="Many", conditions=[{"field": "organization", "values": ids}], set_team=billing)
    page = admin_client.get(LIST).content.decode()
    assert "Organization: Org A, Org B, Org C +2" in page and "Org D" not in page


def test_persian_conditions_are_separated_by_the_persian_semicolon(admin_client, admin_user, rule, billing):
    admin_user.language = "fa"
    admin_user.save()
    conditions = [
        {"field": "organization", "values": _orgs("Acme Corp")},
        {"field": "subject_keywords", "values": ["فاکتور"]},
    ]
    rule(name="Both", conditions=conditions, set_team=billing)
    with translation.override("fa"):
        page = admin_client.get(LIST).content.decode()
    assert "Acme Corp؛ " in page and "Acme Corp; " not in page


def test_the_names_cost_no_query_per_row(admin_client, rule, billing, django_assert_max_num_queries):
    rule(name="First", conditions=[{"field": "organization", "values": _orgs("Org 0")}], set_team=billing)
    with django_assert_max_num_queries(40) as one_row:
        admin_client.get(LIST)
    for i in range(1, 8):
        org, product = _orgs(f"Org {i}"), factories.ProductFactory(name=f"Product {i}", code=f"p{i}").pk
        conditions = [{"field": "organization", "values": org}, {"field": "product", "values": [product]}]
        rule(name=f"Rule {i}", position=10 + 10 * i, conditions=conditions, set_team=billing)
    # The same queries for eight rows as for one, plus one for the products' names (one per kind of record).
    with django_assert_max_num_queries(len(one_row.captured_queries) + 1):
        page = admin_client.get(LIST).content.decode()
    assert "Org 7" in page and "Product 7" in page
