"""Knowledge-base pages, mounted at /kb/ with namespace `kb`."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search_page, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("category/<str:slug>/", views.category, name="category"),
    path("articles/<str:slug>/", views.article, name="article"),
    path("articles/<str:slug>/feedback/", views.feedback, name="feedback"),
    path("manage/", views.manage_list, name="manage"),
    path("manage/new/", views.manage_new, name="manage_new"),
    path("manage/preview/", views.manage_preview, name="manage_preview"),
    path("manage/pick/", views.manage_pick, name="manage_pick"),
    path("manage/review/", views.manage_review, name="manage_review"),
    path("manage/gaps/", views.manage_gaps, name="manage_gaps"),
    path("manage/gaps/<int:pk>/dismiss/", views.manage_gap_dismiss, name="manage_gap_dismiss"),
    path("manage/feedback/<int:pk>/resolve/", views.manage_feedback_resolve, name="manage_feedback_resolve"),
    path("manage/<int:pk>/", views.manage_edit, name="manage_edit"),
    path("manage/<int:pk>/status/", views.manage_status, name="manage_status"),
    path("manage/<int:pk>/revisions/", views.manage_revisions, name="manage_revisions"),
    path("manage/<int:pk>/revisions/<int:revision_id>/", views.manage_revision, name="manage_revision"),
    path("manage/<int:pk>/revisions/<int:revision_id>/restore/", views.manage_restore, name="manage_restore"),
]
