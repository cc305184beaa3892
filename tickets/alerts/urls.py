"""Agent pages of the notification centre (included in the agent namespace)."""

from django.urls import path

from tickets.alerts import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/badge/", views.notification_badge, name="notification-badge"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    path("notifications/read-all/", views.notification_read_all, name="notifications-read-all"),
    path("notifications/<int:notification_id>/open/", views.notification_open, name="notification-open"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification-read"),
]
