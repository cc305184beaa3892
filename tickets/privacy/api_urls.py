from django.urls import path

from tickets.privacy import api

urlpatterns = [
    path("contacts/<int:pk>/export/", api.ContactExportView.as_view(), name="api-contact-export"),
    path("contacts/<int:pk>/erase/", api.ContactEraseView.as_view(), name="api-contact-erase"),
    path(
        "contacts/<int:pk>/erasure-requests/", api.ErasureRequestListView.as_view(), name="api-contact-erasure-requests"
    ),
    path(
        "contacts/<int:pk>/erasure-requests/<int:request_id>/decline/",
        api.ErasureRequestDeclineView.as_view(),
        name="api-contact-erasure-request-decline",
    ),
    path(
        "contacts/<int:pk>/erasure-requests/<int:request_id>/withdraw/",
        api.ErasureRequestWithdrawView.as_view(),
        name="api-contact-erasure-request-withdraw",
    ),
]
