"""Agent pages of problem records (included in the agent namespace)."""

from django.urls import path

from tickets.problems import views

urlpatterns = [
    path("problems/", views.problem_list, name="problems"),
    path("problems/<int:problem_id>/", views.problem_detail, name="problem"),
    path("problems/<int:problem_id>/edit/", views.problem_edit, name="problem-edit"),
    path("problems/<int:problem_id>/solve/", views.problem_solve, name="problem-solve"),
    path("problems/<int:problem_id>/solve/progress/", views.problem_solve_progress, name="problem-solve-progress"),
    path("problems/<int:problem_id>/tickets/<int:ticket_id>/unlink/", views.problem_unlink, name="problem-unlink"),
    path("tickets/<int:ticket_id>/problem/", views.ticket_problem_link, name="ticket-problem"),
]
