"""Admin of product feedback and sales opportunities: for browsing and correcting; every save goes
through the services (status and state changes keep their history, webhooks and events). Items and
opportunities are created from tickets, on the agent pages or through the API."""

from django.contrib import admin
from django.db import models

from tickets.feedback import services as feedback_services
from tickets.models import FeedbackItem, FeedbackLink, Opportunity, OpportunityChange
from tickets.opportunities import services as opportunity_services


class FeedbackLinkInline(admin.TabularInline):
    model = FeedbackLink
    fields = ["ticket", "linked_by", "created_at", "notified_status", "notified_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "product", "owner", "updated_at"]
    list_filter = ["status", "kind", "product"]
    search_fields = ["title", "tracker_key"]
    list_select_related = ["product", "owner"]
    raw_id_fields = ["owner"]
    fields = ["title", "description", "product", "kind", "status", "tracker_url", "tracker_key", "owner"]
    inlines = [FeedbackLinkInline]
    # a tracker link typed without a scheme is https (as on the agent's feedback form)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        feedback_services.feedback_item_update(item=obj, actor=request.user, changes=changes)

    def delete_model(self, request, obj):
        feedback_services.feedback_item_delete(item=obj, actor=request.user)


class OpportunityChangeInline(admin.TabularInline):
    model = OpportunityChange
    fields = ["actor", "old_state", "new_state", "note", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "product", "estimated_value", "state", "owner", "created_at"]
    list_filter = ["state", "kind", "product"]
    search_fields = ["ticket__subject", "organization__name", "note"]
    list_select_related = ["organization", "product", "owner"]
    raw_id_fields = ["owner"]
    fields = ["kind", "note", "estimated_value", "product", "owner", "state"]
    readonly_fields = ["state"]  # moved on the sales pages or the API (transitions and history)
    inlines = [OpportunityChangeInline]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        opportunity_services.opportunity_update(opportunity=obj, actor=request.user, changes=changes)

    def delete_model(self, request, obj):
        opportunity_services.opportunity_delete(opportunity=obj, actor=request.user)
