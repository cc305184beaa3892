"""The customer portal, mounted at /portal/ with namespace `portal`."""

from django.urls import path

from tickets.portal import lists, views
from tickets.privacy.urls import portal_urlpatterns as privacy_urlpatterns

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", lists.requests, name="requests"),
    path("requests/new/", views.new, name="new"),
    path("requests/new/article-opened/", views.article_opened, name="article_opened"),
    path("requests/<int:ticket_id>/", views.ticket, name="ticket"),
    path("requests/<int:ticket_id>/reply/", views.reply, name="reply"),
    path("requests/<int:ticket_id>/solve/", views.solve, name="solve"),
    path("requests/<int:ticket_id>/reopen/", views.reopen, name="reopen"),
    path("requests/<int:ticket_id>/follow-up/", views.follow_up, name="follow_up"),
    path("requests/<int:ticket_id>/rate/", views.rate, name="rate"),
    path("rate/<str:token>/", views.rate_link, name="rate_link"),
    path("organization/", lists.organization, name="organization"),
    path("contract/", views.contract, name="contract"),
]
urlpatterns += privacy_urlpatterns  # the customer's own data: download, ask to erase
