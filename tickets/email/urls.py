"""The raw-MIME entrance: include under /api/v1/ (route name `api-email-inbound`)."""

from django.urls import path

from tickets.email.views import InboundEmailView

urlpatterns = [
    path("email/inbound/<int:mailbox_id>/", InboundEmailView.as_view(), name="api-email-inbound"),
]
