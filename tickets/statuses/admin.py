"""Admin of the custom statuses, saved through tickets.statuses.services (the same rules as the API:
the base status is fixed once tickets are on it, and one in use cannot be deleted, which Django's admin
already refuses for the tickets' protected reference)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tickets.models import CustomStatus, Ticket
from tickets.statuses import services


class CustomStatusForm(forms.ModelForm):
    class Meta:
        model = CustomStatus
        fields = ["base_status", "is_active", "position", "teams", "name", "name_fa", "customer_name"]
        fields += ["customer_name_fa"]

    def clean_base_status(self):
        """The service's rule as a form error rather than a server error."""
        base = self.cleaned_data["base_status"]
        instance = self.instance
        if instance.pk and base != instance.base_status and Ticket.objects.filter(custom_status=instance).exists():
            raise ValidationError(_("Tickets are on this status, so what it stands for cannot change. Add a new one."))
        return base


@admin.register(CustomStatus)
class CustomStatusAdmin(admin.ModelAdmin):
    form = CustomStatusForm
    list_display = ["name", "name_fa", "customer_name", "customer_name_fa", "base_status", "is_active", "position"]
    list_filter = ["is_active", "base_status", "teams"]
    list_editable = ["is_active", "position"]
    search_fields = ["name", "name_fa", "customer_name", "customer_name_fa"]
    filter_horizontal = ["teams"]
    fieldsets = [
        (None, {"fields": ["base_status", "is_active", "position", "teams"]}),
        (_("Agent label"), {"fields": ["name", "name_fa"]}),
        (_("Customer label"), {"fields": ["customer_name", "customer_name_fa"]}),
    ]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.FIELDS if name in form.cleaned_data}
        fields.pop("teams", None)  # save_related sets them, once the row exists
        if change:
            services.custom_status_update(actor=request.user, custom=obj, changes=fields)
        else:
            obj.pk = services.custom_status_create(actor=request.user, **fields).pk

    def save_related(self, request, form, formsets, change):
        if "teams" in form.cleaned_data:
            services.custom_status_update(
                actor=request.user, custom=form.instance, changes={"teams": form.cleaned_data["teams"]}
            )

    def delete_model(self, request, obj):
        services.custom_status_delete(actor=request.user, custom=obj)

    def delete_queryset(self, request, queryset):
        for custom in queryset:
            services.custom_status_delete(actor=request.user, custom=custom)
