from django.urls import path

from tickets.problems import api, api_categories

urlpatterns = [
    path("categories/", api_categories.CategoryListView.as_view(), name="api-category-list"),
    path("categories/<int:pk>/", api_categories.CategoryDetailView.as_view(), name="api-category-detail"),
    path("root-causes/", api_categories.RootCauseListView.as_view(), name="api-root-cause-list"),
    path("problems/", api.ProblemListView.as_view(), name="api-problem-list"),
    path("problems/<int:pk>/", api.ProblemDetailView.as_view(), name="api-problem-detail"),
    path("problems/<int:pk>/incidents/", api.ProblemIncidentListView.as_view(), name="api-problem-incidents"),
    path(
        "problems/<int:pk>/incidents/<int:ticket_id>/",
        api.ProblemIncidentDetailView.as_view(),
        name="api-problem-incident",
    ),
    path("problems/<int:pk>/solve/", api.ProblemSolveView.as_view(), name="api-problem-solve"),
]
