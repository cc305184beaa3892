"""Admin of the outbox: the notifications (read only, resend) and the webhook endpoints (create,
change, rotate the secret, ping); every write goes through the outbox's functions."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.audit.admin import AuditedAdmin
from helpdesk.outbox import alerts, queue, webhooks
from helpdesk.outbox.models import NotificationLog, WebhookEndpoint

from .. import dates


class FailedFilter(admin.SimpleListFilter):
    """Rows that used every attempt (the admins' mail about failures links here)."""

    title = _("delivery")
    parameter_name = "failed"

    def lookups(self, request, model_admin):
        return [("1", _("Failed (every attempt used)")), ("0", _("Not failed"))]

    def queryset(self, request, queryset):
        failed = alerts.failed_rows().values("pk")
        if self.value() == "1":
            return queryset.filter(pk__in=failed)
        if self.value() == "0":
            return queryset.exclude(pk__in=failed)
        return queryset


@admin.register(NotificationLog)
class NotificationLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "recipient", "ticket", "sent_at", "attempts", "has_error"]
    list_filter = [FailedFilter, "kind", "template", ("sent_at", admin.EmptyFieldListFilter), "dropped"]
    search_fields = ["recipient", "key", "message_id", "=ticket_id"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [
        "kind",
        "key",
        "ticket",
        "recipient",
        "template",
        "webhook",
        "context",
        "message_id",
        "created_at",
        "claimed_at",
        "sent_at",
        "dropped",
        "attempts",
        "next_attempt_at",
        "handoff_at",
        "resends",
        "last_error",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket(self, obj: NotificationLog) -> str:
        return f"#{obj.ticket_id}" if obj.ticket_id else "-"

    @admin.display(boolean=True, description=_("error"))
    def has_error(self, obj: NotificationLog) -> bool:
        return bool(obj.last_error)

    @admin.action(description=_("Send the selected unsent notifications again"), permissions=["view"])
    def retry(self, request, queryset):
        count = queue.notifications_resend(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            dates.fill(
                ngettext(
                    "%(count)d notification will be sent again.", "%(count)d notifications will be sent again.", count
                ),
                {"count": count},
            ),
            messages.SUCCESS,
        )


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https", validators=[webhooks.validate_url])
    events = forms.MultipleChoiceField(
        label=_("events"),
        required=False,
        choices=webhooks.event_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The events to send; none selected means every event."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin):
    form = WebhookForm
    list_display = ["name", "url", "is_active", "last_delivery_at", "last_status", "consecutive_failures"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "created_by",
        "created_at",
        "last_delivery_at",
        "last_status",
        "last_error",
        "consecutive_failures",
    ]
    actions = ["rotate_secret", "ping"]

    def save_model(self, request, obj, form, change):
        if change:  # the service compares with what is stored (the form has already changed `obj`)
            webhooks.webhook_update(endpoint=WebhookEndpoint.objects.get(pk=obj.pk), changes=form.cleaned_data)
            return
        endpoint, secret = webhooks.webhook_create(actor=request.user, **form.cleaned_data)
        obj.pk = endpoint.pk
        self._show_secret(request, endpoint, secret)

    def _show_secret(self, request, endpoint: WebhookEndpoint, secret: str) -> None:
        self.message_user(
            request,
            _("Signing secret of “%(name)s”: %(secret)s — copy it now, it is not shown again.")
            % {"name": endpoint.name, "secret": secret},
            messages.WARNING,
        )

    @admin.action(description=_("Give the selected webhooks a new signing secret"))
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            self._show_secret(request, endpoint, webhooks.webhook_rotate_secret(endpoint=endpoint))

    @admin.action(description=_("Send the selected webhooks a ping"))
    def ping(self, request, queryset):
        with transaction.atomic():
            for endpoint in queryset:
                webhooks.webhook_ping(endpoint=endpoint)
        self.message_user(request, _("A ping is on its way to each selected webhook."), messages.SUCCESS)
