from django.urls import path

from tickets.privacy import portal, views

# Included in the agent workspace's urls (namespace "agent").
urlpatterns = [
    path("contacts/<int:contact_id>/", views.contact_detail, name="contact"),
    path("contacts/<int:contact_id>/export/", views.contact_export_download, name="contact-export"),
    path("contacts/<int:contact_id>/erase/", views.contact_erase_page, name="contact-erase"),
    path(
        "contacts/<int:contact_id>/erasure-requests/<int:request_id>/decline/",
        views.erasure_request_decline,
        name="erasure-request-decline",
    ),
]

# Included in the portal's urls (namespace "portal"): the signed-in customer's own data.
portal_urlpatterns = [
    path("privacy/", portal.privacy, name="privacy"),
    path("privacy/export/", portal.export, name="privacy-export"),
    path("privacy/erasure/", portal.erasure_request, name="privacy-erasure"),
    path("privacy/erasure/withdraw/", portal.erasure_withdraw, name="privacy-erasure-withdraw"),
]
