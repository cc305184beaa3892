"""Admin of the blocked senders, saved through tickets.blocklist.services (the same rules as the API:
the value normalised, our own and staff accounts' addresses refused, shown here as form errors). The
mail an entry stopped is in the inbound email list's quarantine, linked from each row."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from helpdesk import dates
from helpdesk.audit.admin import AuditedAdmin
from tickets.blocklist import services
from tickets.blocklist.addresses import domain_unicode, entry_value
from tickets.models import BlockedSender, InboundEmail


class BlockedSenderForm(forms.ModelForm):
    class Meta:
        model = BlockedSender
        fields = ["kind", "value", "note"]
        help_texts = {  # noqa: RUF012 - Django reads it
            "value": _("An email address, or a domain such as example.com (it covers its subdomains too)."),
        }

    def clean(self):
        """The services' rules as form errors: the stored form of the value, never our own or a staff
        account's address, no second entry for the same sender."""
        data = super().clean()
        kind, value = data.get("kind"), data.get("value")
        if not kind or not value:
            return data
        try:
            data["value"] = entry_value(kind=kind, value=value)
            services.blocked_sender_check(kind=kind, value=data["value"])
        except ValidationError as exc:
            self.add_error("value", exc.message_dict["value"])
            return data
        same = BlockedSender.objects.filter(kind=kind, value=data["value"]).exclude(pk=self.instance.pk)
        if same.exists():
            self.add_error("value", _("This sender is blocked already."))
        return data


@admin.register(BlockedSender)
class BlockedSenderAdmin(AuditedAdmin):
    form = BlockedSenderForm
    list_display = ["shown_value", "kind", "note", "created_by", "created_at", "stopped", "last_stopped_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_by", "created_at", "stopped_count", "last_stopped_at"]

    @admin.display(description=_("address or domain"), ordering="value")
    def shown_value(self, obj: BlockedSender) -> str:
        local, at, domain = obj.value.rpartition("@")
        return f"{local}{at}{domain_unicode(domain)}"

    @admin.display(description=_("mails stopped"), ordering="stopped_count")
    def stopped(self, obj: BlockedSender):
        """How many mails it stopped, linking to the quarantined ones from this sender."""
        if not obj.stopped_count:
            return dates.local_number(0)
        query = urlencode({"status__exact": InboundEmail.Status.QUARANTINED, "q": obj.value})
        url = f"{reverse('admin:tickets_inboundemail_changelist')}?{query}"
        return format_html('<a href="{}">{}</a>', url, dates.local_number(obj.stopped_count))

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ("kind", "value", "note")}
        if change:
            entry = BlockedSender.objects.get(pk=obj.pk)
            services.blocked_sender_update(actor=request.user, entry=entry, changes=fields)
        else:
            obj.pk = services.blocked_sender_create(actor=request.user, **fields).pk

    def delete_model(self, request, obj):
        services.blocked_sender_delete(actor=request.user, entry=obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            services.blocked_sender_delete(actor=request.user, entry=entry)
