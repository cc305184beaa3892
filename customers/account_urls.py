"""Customer account pages, included at /account/ without a namespace (Django's auth views expect
the plain `password_reset_*` names)."""

from django.urls import path

from . import account_views as views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup_done"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("invite/<str:token>/", views.invite_accept, name="invite_accept"),
    path("contacts/<int:contact_id>/invite/", views.contact_invite, name="contact_invite"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/done/", views.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/complete/", views.password_reset_complete, name="password_reset_complete"),
]
