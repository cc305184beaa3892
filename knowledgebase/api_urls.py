"""Knowledge-base API, mounted at /api/v1/kb/."""

from django.urls import path

from . import api

urlpatterns = [
    path("categories/", api.CategoryListView.as_view(), name="api-kb-category-list"),
    path("categories/<int:pk>/", api.CategoryDetailView.as_view(), name="api-kb-category-detail"),
    path("articles/", api.ArticleListView.as_view(), name="api-kb-article-list"),
    path("articles/search", api.ArticleSearchNoSlashView.as_view()),
    path("articles/search/", api.ArticleSearchView.as_view(), name="api-kb-article-search"),
    path("articles/suggest", api.ArticleSuggestNoSlashView.as_view()),
    path("articles/suggest/", api.ArticleSuggestView.as_view(), name="api-kb-article-suggest"),
    path("articles/<int:pk>/", api.ArticleDetailView.as_view(), name="api-kb-article-detail"),
    path("articles/<int:pk>/revisions/", api.RevisionListView.as_view(), name="api-kb-revision-list"),
    path(
        "articles/<int:pk>/revisions/<int:revision_id>/",
        api.RevisionDetailView.as_view(),
        name="api-kb-revision-detail",
    ),
    path(
        "articles/<int:pk>/revisions/<int:revision_id>/restore/",
        api.RevisionRestoreView.as_view(),
        name="api-kb-revision-restore",
    ),
    path("articles/<int:pk>/feedback/", api.FeedbackView.as_view(), name="api-kb-article-feedback"),
    path("articles/<int:pk>/reply-text/", api.ReplyTextView.as_view(), name="api-kb-article-reply-text"),
]
