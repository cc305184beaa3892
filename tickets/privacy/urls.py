from django.urls import path

from tickets.privacy import views

# Included in the agent workspace's urls (namespace "agent").
urlpatterns = [
    path("contacts/<int:contact_id>/", views.contact_detail, name="contact"),
    path("contacts/<int:contact_id>/export/", views.contact_export_download, name="contact-export"),
    path("contacts/<int:contact_id>/erase/", views.contact_erase_page, name="contact-erase"),
]
