"""What readers leave behind: views, votes and comments, searches and the gaps they show, synonyms."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.analysis import analyze
from helpdesk.exceptions import NotAllowed, NotVisible
from helpdesk.text import normalize_text
from knowledgebase import search
from knowledgebase.models import (
    Article,
    ArticleFeedback,
    ArticleViewDaily,
    SearchGap,
    SearchQueryStat,
    SynonymGroup,
)
from knowledgebase.services.common import _require_admin, _require_agent


def article_record_view(*, article: Article, day=None) -> None:
    """Count a page view in the daily table with one upsert; the article row is never written."""
    table = ArticleViewDaily._meta.db_table
    day = day or timezone.now().date()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (article_id, day, count) VALUES (%s, %s, 1) "  # noqa: S608 (table name from _meta)
            f"ON CONFLICT (article_id, day) DO UPDATE SET count = {table}.count + 1",
            [article.pk, day],
        )


def search_gap_record(*, query: str) -> None:
    """Remember a search that found nothing, one row per normalised query (upsert)."""
    normalised = normalize_text(query)[:200]
    if not normalised:
        return
    table = SearchGap._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (query, count, first_seen, last_seen) VALUES (%s, 1, %s, %s) "  # noqa: S608
            f"ON CONFLICT (query) DO UPDATE SET count = {table}.count + 1, last_seen = excluded.last_seen",
            [normalised, now, now],
        )


def synonym_terms_clean(terms: str) -> str:
    """The group's words and phrases one per line, without repeats; at least two, none only stop words."""
    lines = SynonymGroup(terms=terms).term_list()
    if len(set(lines)) < 2:
        raise ValidationError({"terms": _("A synonym group needs at least two words or phrases.")})
    empty = [line for line in lines if not analyze(line)]
    if empty:
        raise ValidationError(
            {
                "terms": _("These carry no searchable word (only words such as “the” or “را”): %(lines)s")
                % {"lines": ", ".join(empty)}
            }
        )
    return "\n".join(dict.fromkeys(lines))


def synonym_group_save(*, actor, group: SynonymGroup) -> SynonymGroup:
    """Create or change a synonym group; searches use it from the next query on."""
    _require_admin(actor)
    group.terms = synonym_terms_clean(group.terms)
    group.updated_at = timezone.now()
    group.full_clean()
    group.save()
    search.synonyms_changed()
    return group


def synonym_group_delete(*, actor, group: SynonymGroup) -> None:
    _require_admin(actor)
    group.delete()
    search.synonyms_changed()


def search_record(*, query: str, results: int) -> str:
    """Count a search by meaning (SearchQueryStat) and, when it found nothing, as a gap; returns its key
    (the search page puts it on result links, so an opened result is counted: search_result_opened)."""
    if results == 0:
        search_gap_record(query=query)
    return _search_stat_add(query=query, column="searches")


def search_result_opened(*, key: str) -> None:
    """A result of a counted search was opened (an unknown key changes nothing)."""
    SearchQueryStat.objects.filter(key=key[:200]).update(opened=F("opened") + 1)


def search_led_to_ticket(*, query: str) -> None:
    """A customer sent a request although the new-request form suggested articles for its text."""
    _search_stat_add(query=query, column="tickets")


def _search_stat_add(*, query: str, column: str) -> str:
    key = search.query_key(query)
    if not key:
        return ""
    table = SearchQueryStat._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, example, searches, opened, tickets, first_seen, last_seen) "  # noqa: S608
            f"VALUES (%s, %s, %s, 0, %s, %s, %s) ON CONFLICT (key) DO UPDATE SET "
            f"{column} = {table}.{column} + 1, example = excluded.example, last_seen = excluded.last_seen",
            [key, normalize_text(query)[:200], int(column == "searches"), int(column == "tickets"), now, now],
        )
    return key


def search_gap_dismiss(*, actor, gap: SearchGap) -> None:
    """Forget a gap once an article covers it."""
    _require_agent(actor)
    gap.delete()


def article_vote(*, article: Article, user, helpful: bool, comment: str = "") -> ArticleFeedback:
    """'Was this helpful?': one vote per person per article; voting again replaces the vote."""
    if user is None or not user.is_authenticated:
        raise NotAllowed(_("Sign in to vote."))
    if not article.is_visible_to(user):
        raise NotVisible
    comment = comment.strip()[:2000]
    feedback, _created = ArticleFeedback.objects.update_or_create(
        article=article,
        user=user,
        defaults={"helpful": helpful, "comment": comment, "resolved_at": None, "created_at": timezone.now()},
    )
    return feedback


def feedback_resolve(*, feedback: ArticleFeedback, actor) -> ArticleFeedback:
    """Mark a feedback comment as handled, so it leaves the review queue."""
    _require_agent(actor)
    if feedback.resolved_at is None:
        feedback.resolved_at = timezone.now()
        feedback.save(update_fields=["resolved_at"])
    return feedback
