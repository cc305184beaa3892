"""Life cycle (draft → review → published → archived), revisions with diffs, and restore."""

import pytest
from django.core.exceptions import PermissionDenied

from knowledgebase import selectors, services
from knowledgebase.exceptions import ArticleInvalidTransition
from knowledgebase.models import Status

from .conftest import make_article


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "review"),
        ("review", "published"),
        ("review", "draft"),
        ("published", "archived"),
        ("published", "draft"),
        ("archived", "draft"),
    ],
)
def test_allowed_transitions_change_the_status(agent, start, target, as_user):
    article = make_article(agent, status=start)
    response = as_user(agent).patch(f"/api/v1/kb/articles/{article.pk}/", {"status": target}, format="json")
    assert response.status_code == 200 and response.json()["status"] == target


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target"),
    [("draft", "published"), ("draft", "archived"), ("review", "archived"), ("archived", "published")],
)
def test_refused_transitions_are_a_409_with_a_stable_code(agent, start, target, as_user):
    article = make_article(agent, status=start)
    response = as_user(agent).patch(f"/api/v1/kb/articles/{article.pk}/", {"status": target}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    article.refresh_from_db()
    assert article.status == start


@pytest.mark.django_db
def test_a_refused_transition_on_create_creates_nothing(agent, as_user):
    response = as_user(agent).post(
        "/api/v1/kb/articles/", {"title": "X", "body": "y", "status": "published"}, format="json"
    )
    assert response.status_code == 409
    assert not selectors.Article.objects.exists()


@pytest.mark.django_db
def test_publishing_sets_published_at(agent):
    article = make_article(agent, status=Status.REVIEW)
    services.article_publish(article=article, actor=agent)
    assert article.published_at is not None


@pytest.mark.django_db
def test_customers_cannot_change_status_through_the_service(customer, agent):
    article = make_article(agent, status=Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.article_submit_for_review(article=article, actor=customer)


@pytest.mark.django_db
def test_the_service_raises_its_own_domain_error(agent):
    article = make_article(agent, status=Status.DRAFT)
    with pytest.raises(ArticleInvalidTransition):
        services.article_publish(article=article, actor=agent)


@pytest.mark.django_db
def test_every_save_is_a_revision_naming_who_and_what_changed(agent, admin_user):
    article = make_article(agent, status=Status.DRAFT, title="Old title", body="line one\nline two")
    services.article_update(article=article, actor=admin_user, title="New title", body="line one\nline 2", tags=["a"])
    revision = article.revisions.order_by("-number").first()
    assert revision.number == 2 and revision.author == admin_user
    assert set(revision.changed_fields) == {"title", "body", "tags"}
    diff = {
        d.field: d.lines
        for d in selectors.revision_diff(revision=revision, previous=selectors.revision_previous(revision=revision))
    }
    assert ("del", "Old title") in diff["title"] and ("add", "New title") in diff["title"]
    assert (
        ("ctx", "line one") in diff["body"]
        and ("add", "line 2") in diff["body"]
        and ("del", "line two") in diff["body"]
    )


@pytest.mark.django_db
def test_a_save_that_changes_nothing_keeps_no_revision(agent):
    article = make_article(agent, status=Status.DRAFT)
    services.article_update(article=article, actor=agent, title=article.title)
    assert article.revisions.count() == 1


@pytest.mark.django_db
def test_restoring_an_old_revision_brings_back_its_content_as_a_new_revision(agent):
    article = make_article(agent, title="First", body="Original body", tags=["one"])
    first = article.revisions.order_by("number").first()
    services.article_update(article=article, actor=agent, title="Second", body="Rewritten body", tags=["two"])
    services.article_restore_revision(article=article, revision=first, actor=agent)
    article.refresh_from_db()
    assert (article.title, article.body) == ("First", "Original body")
    assert [t.name for t in article.tags.all()] == ["one"]
    assert article.status == Status.PUBLISHED  # status is not part of a restore
    latest = article.revisions.order_by("-number").first()
    assert latest.note == "Restored revision 1"
    assert "Original body" in article.body_html


@pytest.mark.django_db
def test_restore_through_the_api_answers_the_restored_article(agent, as_user):
    article = make_article(agent, title="First")
    first = article.revisions.order_by("number").first()
    as_user(agent).patch(f"/api/v1/kb/articles/{article.pk}/", {"title": "Second"}, format="json")
    response = as_user(agent).post(f"/api/v1/kb/articles/{article.pk}/revisions/{first.pk}/restore/")
    assert response.status_code == 200 and response.json()["title"] == "First"


@pytest.mark.django_db
def test_a_draft_created_for_the_tickets_app_is_internal_and_notes_its_source(agent):
    article = services.article_create_draft(
        author=agent, title="Printer offline", body="Restart the spooler.", language="en", source_note="From ticket #42"
    )
    assert article.status == Status.DRAFT and article.visibility == "internal"
    assert article.revisions.get().note == "From ticket #42"


@pytest.mark.django_db
def test_translations_are_linked_both_ways(agent):
    english = make_article(agent, title="Install")
    persian = make_article(agent, title="نصب", language="fa")
    services.article_link_translation(article=english, translation=persian, actor=agent)
    english.refresh_from_db()
    persian.refresh_from_db()
    assert english.translation == persian and persian.translation == english


@pytest.mark.django_db
def test_a_translation_must_be_in_another_language(agent):
    from django.core.exceptions import ValidationError

    one, two = make_article(agent, title="One"), make_article(agent, title="Two")
    with pytest.raises(ValidationError):
        services.article_link_translation(article=one, translation=two, actor=agent)
