"""Every write of the knowledge base. Keyword-only functions; pages, API, admin and demo call them.

One module per area (`categories`, `articles`, `feedback`: views, votes, searches, gaps and synonyms;
`common` holds who may write); every service is re-exported here.
"""

from knowledgebase.services.articles import (
    CONTENT_FIELDS,
    article_archive,
    article_change_status,
    article_create,
    article_create_draft,
    article_delete,
    article_link_translation,
    article_publish,
    article_refresh_search,
    article_restore_revision,
    article_submit_for_review,
    article_update,
)
from knowledgebase.services.categories import category_create, category_delete, category_update
from knowledgebase.services.feedback import (
    article_record_view,
    article_vote,
    feedback_resolve,
    search_gap_dismiss,
    search_gap_record,
    search_led_to_ticket,
    search_record,
    search_result_opened,
    synonym_group_delete,
    synonym_group_save,
    synonym_terms_clean,
)

__all__ = [
    "CONTENT_FIELDS",
    "article_archive",
    "article_change_status",
    "article_create",
    "article_create_draft",
    "article_delete",
    "article_link_translation",
    "article_publish",
    "article_record_view",
    "article_refresh_search",
    "article_restore_revision",
    "article_submit_for_review",
    "article_update",
    "article_vote",
    "category_create",
    "category_delete",
    "category_update",
    "feedback_resolve",
    "search_gap_dismiss",
    "search_gap_record",
    "search_led_to_ticket",
    "search_record",
    "search_result_opened",
    "synonym_group_delete",
    "synonym_group_save",
    "synonym_terms_clean",
]
