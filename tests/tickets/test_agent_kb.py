"""The knowledge base on the ticket page: insert articles, record their use on send, make drafts."""

import pytest
from django.urls import reverse

from knowledgebase import services as kb_services
from knowledgebase.models import Article, Visibility
from knowledgebase.models import Status as ArticleStatus
from tests.factories import ContactFactory
from tickets import kb_integration, services
from tickets.models import ArticleUsage, Status

pytestmark = pytest.mark.django_db


def make_article(author, *, title, body="Turn it off and on.", visibility=Visibility.PUBLIC, publish=True):
    article = kb_services.article_create(author=author, title=title, body=body, visibility=visibility)
    if publish:
        kb_services.article_submit_for_review(article=article, actor=author)
        kb_services.article_publish(article=article, actor=author)
    article.refresh_from_db()
    return article


@pytest.fixture
def article(agent):
    return make_article(agent, title="Printer troubleshooting")


def _reply(client, ticket, **data):
    data.setdefault("kind", "reply")
    data.setdefault("body", "See the article.")
    return client.post(reverse("agent:ticket-reply", args=[ticket.pk]), data)


# --- insert article ---------------------------------------------------------------------------


def test_search_box_is_prefilled_with_the_subject_and_finds_articles(agent_client, ticket, article):
    page = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert 'name="q" id="kb-q" value="Printer on fire"' in page
    hits = agent_client.get(reverse("agent:article-search", args=[ticket.pk]), {"q": "printer"})
    body = hits.content.decode()
    assert hits.status_code == 200 and "Printer troubleshooting" in body
    assert "Insert link" in body and "Insert text" in body
    assert f'data-insert-article="{article.pk}"' in body and "Turn it off and on." in body


def test_article_search_is_for_agents_only(client, customer, ticket):
    client.force_login(customer)
    assert client.get(reverse("agent:article-search", args=[ticket.pk]), {"q": "printer"}).status_code == 404
    client.logout()
    response = client.get(reverse("agent:article-search", args=[ticket.pk]), {"q": "printer"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_usage_is_recorded_only_when_the_reply_is_sent(agent_client, agent, ticket, article):
    agent_client.get(reverse("agent:article-search", args=[ticket.pk]), {"q": "printer"})
    assert not ArticleUsage.objects.exists()
    response = _reply(agent_client, ticket, articles=f"{article.pk}:link {article.pk}:text")
    assert response.status_code == 302
    usages = ArticleUsage.objects.filter(ticket=ticket, article=article)
    assert sorted(usages.values_list("mode", flat=True)) == ["link", "text"]
    assert usages.first().used_by == agent


def test_failed_reply_records_nothing(agent_client, ticket, article):
    response = _reply(agent_client, ticket, body="", articles=f"{article.pk}:link")
    assert response.status_code == 400 and not ArticleUsage.objects.exists()


def test_unknown_ids_and_junk_are_ignored_internal_articles_count_for_agents(agent_client, agent, ticket, article):
    internal = make_article(agent, title="Internal runbook", visibility=Visibility.INTERNAL)
    _reply(agent_client, ticket, articles=f"999999:link {internal.pk}:text nonsense {article.pk}:pdf")
    assert list(ArticleUsage.objects.values_list("article_id", "mode")) == [(internal.pk, "text")]


def test_using_an_article_twice_records_it_once(agent_client, ticket, article):
    _reply(agent_client, ticket, articles=f"{article.pk}:link")
    _reply(agent_client, ticket, body="Again", articles=f"{article.pk}:link")
    assert ArticleUsage.objects.count() == 1


def test_articles_invisible_to_the_user_are_never_recorded(customer, ticket, article):
    draft_for_customer = make_article(ticket.team.members.first() or article.author, title="Draft", publish=False)
    kb_integration.article_usages_record(ticket=ticket, actor=customer, refs=[(draft_for_customer.pk, "link")])
    assert not ArticleUsage.objects.exists()


def test_ticket_page_lists_used_articles_with_a_link_to_their_tickets(agent_client, agent, ticket, article):
    kb_integration.article_usage_record(ticket=ticket, article=article, actor=agent, mode="link")
    # the knowledge-base panel, which the page loads after itself (tickets.workspace.side_views)
    body = agent_client.get(reverse("agent:ticket-side", args=[ticket.pk])).content.decode()
    assert reverse("agent:article-usage", args=[article.pk]) in body and "Printer troubleshooting" in body


# --- which tickets used an article ------------------------------------------------------------


def test_article_usage_page_lists_tickets_and_pages(agent_client, agent, make, article):
    tickets = [make(subject=f"Case {n}") for n in range(55)]
    for t in tickets:
        kb_integration.article_usage_record(ticket=t, article=article, actor=agent, mode="text")
    url = reverse("agent:article-usage", args=[article.pk])
    assert url == f"/agent/articles/{article.pk}/tickets/"
    first = agent_client.get(url)
    assert first.status_code == 200 and len(first.context["page"].object_list) == 50
    assert "Case 54" in first.content.decode() and 'rel="next"' in first.content.decode()
    assert len(agent_client.get(url, {"page": 2}).context["page"].object_list) == 5


def test_article_usage_page_personas(client, customer, other_agent, agent, ticket, article):
    kb_integration.article_usage_record(ticket=ticket, article=article, actor=agent, mode="link")
    url = reverse("agent:article-usage", args=[article.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(customer)
    assert client.get(url).status_code == 404
    client.force_login(other_agent)
    assert "Printer on fire" in client.get(url).content.decode()  # agents see every ticket
    assert client.get(reverse("agent:article-usage", args=[999999])).status_code == 404


# --- create an article from a ticket ----------------------------------------------------------


def test_create_article_from_a_solved_ticket_prefills_a_draft(agent_client, agent, ticket):
    services.ticket_reply(ticket=ticket, actor=agent, body="First guess: check the cable.")
    services.ticket_reply(ticket=ticket, actor=agent, body="Internal: it was the fuser.", internal=True)
    services.ticket_reply(ticket=ticket, actor=agent, body="Replace the fuser unit.", status=Status.SOLVED)
    response = agent_client.post(reverse("agent:article-from-ticket", args=[ticket.pk]))
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("kb:manage_edit", args=[article.pk])
    assert article.title == "Printer on fire" and article.status == ArticleStatus.DRAFT
    assert article.visibility == Visibility.INTERNAL and article.language == "en" and article.author == agent
    assert article.body == "## Question\n\nIt is on fire.\n\n## Answer\n\nReplace the fuser unit.\n"
    assert "fuser." not in article.body.split("Answer")[0] and "Internal" not in article.body
    assert article.revisions.first().note == f"From ticket #{ticket.pk}"


def test_persian_ticket_makes_a_persian_draft(agent, make, organization):
    persian = ContactFactory(organization=organization, full_name="سارا", email="sara@acme.test", language="")
    ticket = make(subject="چاپگر روشن نمی‌شود", body="چاپگر روشن نمی‌شود، چه کنم؟", requester=persian)
    services.ticket_reply(ticket=ticket, actor=agent, body="کابل برق را بررسی کنید.", status=Status.SOLVED)
    ticket.refresh_from_db()
    article = kb_integration.article_draft_from_ticket(ticket=ticket, actor=agent)
    assert article.language == "fa" and article.body.startswith("## ")
    assert "کابل برق را بررسی کنید." in article.body and "Question" not in article.body


def test_requester_language_wins(agent, make, organization):
    contact = ContactFactory(organization=organization, email="en@acme.test", language="fa")
    ticket = make(subject="Printer", requester=contact)
    services.ticket_change_status(ticket=ticket, actor=agent, status=Status.SOLVED)
    ticket.refresh_from_db()
    assert kb_integration.article_draft_from_ticket(ticket=ticket, actor=agent).language == "fa"


def test_open_tickets_cannot_become_articles_and_customers_cannot_try(agent_client, client, customer, ticket):
    body = agent_client.get(reverse("agent:ticket", args=[ticket.pk])).content.decode()
    assert "Create article from this ticket" not in body
    agent_client.post(reverse("agent:article-from-ticket", args=[ticket.pk]))
    assert not Article.objects.exists()
    client.force_login(customer)
    assert client.post(reverse("agent:article-from-ticket", args=[ticket.pk])).status_code == 404
