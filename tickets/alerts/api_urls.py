from django.urls import path

from tickets.alerts import api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/unread-count/", api.NotificationUnreadCountView.as_view(), name="api-notification-unread"),
    path("notifications/read-all/", api.NotificationReadAllView.as_view(), name="api-notification-read-all"),
    path("notifications/<int:pk>/read/", api.NotificationReadView.as_view(), name="api-notification-read"),
]
