"""The notification centre in the admin: look up what an agent was told (read-only) and their choices."""

from django.contrib import admin

from tickets.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "ticket", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__email",)
    raw_id_fields = ("recipient", "ticket", "referral", "actor")
    readonly_fields = ("recipient", "kind", "ticket", "referral", "actor", "params", "url", "created_at", "read_at")

    def has_add_permission(self, request) -> bool:
        return False  # notifications come from tickets.alerts.services.notify only


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "delivery")
    list_filter = ("kind", "delivery")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
