"""Activity types are configuration: admins add, rename, reorder and switch them off here. A type in
use cannot be deleted (its entries keep it); switch it off instead."""

from django.contrib import admin

from tickets.models import ActivityType


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fa", "is_active", "for_calls", "position"]
    list_filter = ["is_active"]
    list_editable = ["is_active", "for_calls", "position"]
    search_fields = ["name", "name_fa"]
    fields = ["name", "name_fa", "is_active", "for_calls", "position"]
