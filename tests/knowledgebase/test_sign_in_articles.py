"""An anonymous reader of a customers-only article is sent to sign in, then reads it; an article
they could not read signed in either (internal, draft, archived, unknown) stays a plain 404 that
does not say it exists (knowledgebase.selectors.article_opens_after_sign_in)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from knowledgebase import services
from knowledgebase.models import Status

pytestmark = pytest.mark.django_db


def test_an_anonymous_reader_of_a_customers_article_is_sent_to_sign_in_and_back(client, customers_article):
    url = customers_article.get_absolute_url()
    response = client.get(url + "?sq=abc")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [url + "?sq=abc"]


def test_after_signing_in_the_customer_reads_the_article(client, customer, customers_article):
    url = customers_article.get_absolute_url()
    login_url = client.get(url)["Location"]
    client.force_login(customer)
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    response = client.get(next_url)
    assert response.status_code == 200 and "Download your invoices" in response.content.decode()


@pytest.mark.parametrize("kind", ["internal", "draft"])
def test_an_anonymous_reader_of_an_agent_only_article_gets_the_404_of_an_unknown_one(client, articles, kind):
    unknown = client.get(reverse("kb:article", args=["no-such-article"]))
    response = client.get(articles[kind].get_absolute_url())
    assert response.status_code == unknown.status_code == 404
    assert "login" not in response.get("Location", "")


def test_an_archived_customers_article_stays_a_404_for_anonymous_readers(client, agent, customers_article):
    services.article_change_status(article=customers_article, actor=agent, status=Status.ARCHIVED)
    assert client.get(customers_article.get_absolute_url()).status_code == 404


def test_a_signed_in_customer_is_not_sent_to_sign_in_for_an_internal_article(client, customer, internal_article):
    client.force_login(customer)
    response = client.get(internal_article.get_absolute_url())
    assert response.status_code == 404
