"""Knowledge-base API under /api/v1/kb/: read for everyone under visibility, writes for agents.

`permissions` (who may call), `articles` (categories, articles, revisions, feedback) and `search`
(search, suggestions, reply text); the views are re-exported here for `knowledgebase.api_urls`.
"""

from knowledgebase.api.articles import (
    ArticleDetailView,
    ArticleListView,
    CategoryDetailView,
    CategoryListView,
    FeedbackView,
    RevisionDetailView,
    RevisionListView,
    RevisionRestoreView,
)
from knowledgebase.api.permissions import IsAgent, ReadAnyoneWriteAgents
from knowledgebase.api.search import (
    ArticleSearchNoSlashView,
    ArticleSearchView,
    ArticleSuggestNoSlashView,
    ArticleSuggestView,
    ReplyTextView,
)

__all__ = [
    "ArticleDetailView",
    "ArticleListView",
    "ArticleSearchNoSlashView",
    "ArticleSearchView",
    "ArticleSuggestNoSlashView",
    "ArticleSuggestView",
    "CategoryDetailView",
    "CategoryListView",
    "FeedbackView",
    "IsAgent",
    "ReadAnyoneWriteAgents",
    "ReplyTextView",
    "RevisionDetailView",
    "RevisionListView",
    "RevisionRestoreView",
]
