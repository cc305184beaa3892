"""One way to say "not allowed" (docs/architecture.md, "Refusals"): what a user may not see is a 404,
what they see but may not do is a 403, anonymous callers are asked to sign in; every boundary answers
its one status on every channel. Also the one form-error helper and the one API error shape."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.test import RequestFactory
from rest_framework import serializers

from customers.models import Contact
from helpdesk.exceptions import DomainError, NotAllowed, NotVisible, api_exception_handler
from helpdesk.forms import add_service_errors, service_error_text
from knowledgebase import services as kb_services
from knowledgebase.models import Visibility
from tests.factories import make_ticket
from tickets import services as ticket_services
from tickets.workspace import macros, saved_views

pytestmark = pytest.mark.django_db

AGENT_PAGES = ["/agent/", "/agent/reports/sla/", "/kb/manage/", "/kb/manage/new/", "/kb/manage/gaps/"]


@pytest.fixture
def own_ticket(customer, team):
    return make_ticket(requester=Contact.objects.get(user=customer), actor=customer, team=team)


# --- customer vs agent pages: 404 (not part of their world); anonymous: sign in ----------------


@pytest.mark.parametrize("path", AGENT_PAGES)
def test_a_customer_gets_404_on_every_agent_page(client, customer, path):
    client.force_login(customer)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", AGENT_PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_agent_page(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_customer_gets_404_on_the_agent_page_of_their_own_ticket(client, customer, own_ticket):
    client.force_login(customer)
    assert client.get(f"/agent/tickets/{own_ticket.pk}/").status_code == 404


def test_a_customer_gets_404_inviting_a_contact(client, customer):
    client.force_login(customer)
    contact = Contact.objects.get(user=customer)
    assert client.post(f"/account/contacts/{contact.pk}/invite/").status_code == 404


# --- customer vs agent API: 404 `not_found` (hidden); anonymous: 401 ---------------------------


def _agent_only_api(ticket_id: int) -> list[str]:
    return [
        f"/api/v1/tickets/{ticket_id}/referrals/",
        f"/api/v1/tickets/{ticket_id}/links/",
        "/api/v1/reports/sla/",
        "/api/v1/reports/deflection/",
    ]


def test_a_customer_gets_404_not_found_on_every_agent_only_operation(as_user, customer, own_ticket):
    client = as_user(customer)
    for path in _agent_only_api(own_ticket.pk):
        response = client.get(path)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path


def test_an_anonymous_caller_gets_401_on_every_agent_only_operation(api, own_ticket):
    for path in _agent_only_api(own_ticket.pk):
        assert api.get(path).status_code == 401, path


def test_agents_reach_the_agent_only_operations(as_user, agent, own_ticket):
    client = as_user(agent)
    for path in _agent_only_api(own_ticket.pk):
        assert client.get(path).status_code == 200, path


# --- agent vs admin: admin-only operations are hidden (404) -----------------------------------


@pytest.mark.parametrize("path", ["/api/v1/webhooks/", "/api/v1/audit-log/"])
def test_an_agent_gets_404_on_admin_only_operations_and_an_admin_200(as_user, agent, admin_user, path):
    response = as_user(agent).get(path)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert as_user(admin_user).get(path).status_code == 200


# --- seen but not allowed: 403 `permission_denied` -------------------------------------------


def test_a_customer_who_reads_articles_gets_403_writing_one(as_user, customer):
    response = as_user(customer).post("/api/v1/kb/articles/", {"title": "Mine", "body": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_an_agent_who_reads_a_contact_gets_403_deleting_it(as_user, agent, customer):
    contact = Contact.objects.get(user=customer)
    assert as_user(agent).get(f"/api/v1/contacts/{contact.pk}/").status_code == 200
    response = as_user(agent).delete(f"/api/v1/contacts/{contact.pk}/")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_a_customer_gets_403_writing_an_internal_note_on_their_own_ticket(as_user, customer, own_ticket):
    response = as_user(customer).post(
        f"/api/v1/tickets/{own_ticket.pk}/messages/", {"body": "psst", "internal": True}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


# --- a service's refusal: one exception type, one status on every channel -------------------


def test_agent_only_services_refuse_a_customer_with_not_allowed(customer, own_ticket, other_team):
    with pytest.raises(NotAllowed):
        ticket_services.ticket_refer(ticket=own_ticket, actor=customer, to_team=other_team, note="help")
    with pytest.raises(NotAllowed):
        macros.macro_create(actor=customer, name="m", body="b")
    with pytest.raises(NotAllowed):
        saved_views.saved_view_create(actor=customer, name="v", query={}, columns=saved_views.DEFAULT_COLUMNS)


def test_not_allowed_is_a_403_and_not_visible_a_404_on_pages_and_in_the_api():
    request = RequestFactory().get("/somewhere/")
    for exc, status, code in [(NotAllowed(), 403, "permission_denied"), (NotVisible(), 404, "not_found")]:
        assert response_for_exception(request, exc).status_code == status
        response = api_exception_handler(exc, {})
        assert (response.status_code, response.data["code"]) == (status, code)
    assert isinstance(NotAllowed(), PermissionDenied) and isinstance(NotVisible(), Http404)


def test_an_article_the_user_may_not_see_is_a_404_when_voting_on_every_channel(client, as_user, customer, agent):
    category = kb_services.category_create(actor=agent, name="Internal", slug="internal")
    article = kb_services.article_create(
        author=agent, title="Discount rules", body="Secret.", category=category, visibility=Visibility.INTERNAL
    )
    with pytest.raises(NotVisible):
        kb_services.article_vote(article=article, user=customer, helpful=True)
    response = as_user(customer).post(f"/api/v1/kb/articles/{article.pk}/feedback/", {"helpful": True}, format="json")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    client.force_login(customer)
    assert client.post(f"/kb/articles/{article.slug}/feedback/", {"helpful": "true"}).status_code == 404


# --- one form-error helper ------------------------------------------------------------------


class _Form(forms.Form):
    subject = forms.CharField(required=False)
    attachments = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form({"subject": "x"})
    assert form.is_valid()
    return form


def test_service_field_errors_go_onto_fields_and_the_rest_onto_the_form():
    form = _bound()
    add_service_errors(form, ValidationError({"subject": ["Too short."], "owner": ["Not yours."]}))
    assert form.errors["subject"] == ["Too short."]
    assert form.non_field_errors() == ["Not yours."]


def test_a_service_error_without_fields_goes_onto_the_form():
    form = _bound()
    add_service_errors(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]


def test_a_domain_error_goes_onto_the_named_field_else_onto_the_form():
    form = _bound()
    add_service_errors(form, DomainError("Too large.", code="attachment_too_large"), field="attachments")
    assert form.errors["attachments"] == ["Too large."]
    form = _bound()
    add_service_errors(form, NotAllowed("Only agents may do this."))
    assert form.non_field_errors() == ["Only agents may do this."]
    assert service_error_text(ValidationError({"a": ["One."], "b": ["Two."]})) == "One. Two."


# --- one error shape: nested and list errors by dotted path ---------------------------------


def test_nested_serializer_errors_are_named_by_dotted_paths():
    class ContactInput(serializers.Serializer):
        email = serializers.EmailField()

        def validate(self, data):
            raise serializers.ValidationError("Not this contact.")

    class Input(serializers.Serializer):
        subject = serializers.CharField()
        contact = ContactInput()

    data = Input(data={"subject": "", "contact": {"email": "nope"}})
    assert not data.is_valid()
    response = api_exception_handler(serializers.ValidationError(data.errors), {})
    assert response.status_code == 400
    assert response.data["errors"] == {
        "subject": ["This field may not be blank."],
        "contact.email": ["Enter a valid email address."],
    }
    whole = api_exception_handler(serializers.ValidationError({"contact": {"non_field_errors": ["Not this."]}}), {})
    assert whole.data["errors"] == {"contact": ["Not this."]}


def test_a_list_item_error_is_named_by_its_index(as_user, agent, own_ticket):
    response = as_user(agent).patch(f"/api/v1/tickets/{own_ticket.pk}/", {"tags": ["ok", "x" * 61]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["errors"]) == ["tags.1"]
    assert body["detail"] == body["errors"]["tags.1"][0]


def test_the_schema_error_component_documents_the_dotted_paths(as_user, agent):
    schema = as_user(agent).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    errors = schema["components"]["schemas"]["ErrorOutput"]["properties"]["errors"]
    assert "contact.email" in errors["description"] and "attachments.0" in errors["description"]


def test_the_schema_documents_404_for_operations_hidden_from_other_roles(as_user, agent):
    schema = as_user(agent).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "404" in schema["paths"]["/api/v1/webhooks/"]["get"]["responses"]
    assert "404" in schema["paths"]["/api/v1/reports/sla/"]["get"]["responses"]
    assert "404" not in schema["paths"]["/api/v1/tickets/"]["get"]["responses"]


@pytest.mark.django_db
def test_only_an_admin_chooses_an_organizations_sla_policy_in_the_service(agent, admin_user):
    """The rule lives in the organization services, so the API, the admin and any later channel share it."""
    from customers import services as customer_services
    from customers.models import BusinessCalendar, SlaPolicy

    policy = SlaPolicy.objects.create(
        name="Premium", calendar=BusinessCalendar.objects.create(name="24/7", always_open=True)
    )
    with pytest.raises(NotAllowed):
        customer_services.organization_create(name="Acme 2", sla_policy=policy, actor=agent)
    organization = customer_services.organization_create(name="Acme 2", actor=agent)
    with pytest.raises(NotAllowed):
        customer_services.organization_update(organization=organization, data={"sla_policy": policy}, actor=agent)
    customer_services.organization_update(organization=organization, data={"sla_policy": policy}, actor=admin_user)
    organization.refresh_from_db()
    assert organization.sla_policy == policy
