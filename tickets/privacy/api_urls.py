from django.urls import path

from tickets.privacy import api

urlpatterns = [
    path("contacts/<int:pk>/export/", api.ContactExportView.as_view(), name="api-contact-export"),
    path("contacts/<int:pk>/erase/", api.ContactEraseView.as_view(), name="api-contact-erase"),
]
