"""Attachment downloads as a page URL: include at `attachments/` (route name `attachment-download`)."""

from django.urls import path

from tickets.attachments import views as attachment_views

urlpatterns = [
    path("<int:pk>/<str:name>", attachment_views.AttachmentDownloadView.as_view(), name="attachment-download"),
]
