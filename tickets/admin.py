"""Admin for the email channel: mailboxes, the inbound log (quarantine), the outbox."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk import crypto
from helpdesk.exceptions import DomainError

from . import tasks, webhooks
from .email.ingest import email_reprocess
from .models import InboundEmail, Mailbox, NotificationLog, WebhookEndpoint, new_push_secret


class MailboxForm(forms.ModelForm):
    imap_password = forms.CharField(
        label=_("IMAP password"),
        required=False,
        strip=False,
        max_length=255,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the current password."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "address",
            "team",
            "is_active",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_username",
            "imap_password",
            "imap_folder",
            "processed_folder",
        ]

    def clean_imap_password(self):
        """What the column stores: a new password encrypted, else the one already stored."""
        value = self.cleaned_data.get("imap_password")
        if value:
            return crypto.encrypt(value)
        return self.instance.imap_password if self.instance.pk else ""


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "address", "team", "imap_host", "is_active", "last_polled_at", "has_error"]
    list_filter = ["is_active", "team"]
    search_fields = ["name", "address"]
    readonly_fields = ["push_secret", "last_polled_at", "last_error"]
    actions = ["regenerate_secret"]

    @admin.display(boolean=True, description=_("error"))
    def has_error(self, obj: Mailbox) -> bool:
        return bool(obj.last_error)

    @admin.action(description=_("Generate a new push secret"))
    def regenerate_secret(self, request, queryset):
        for mailbox in queryset:
            Mailbox.objects.filter(pk=mailbox.pk).update(push_secret=new_push_secret())
        self.message_user(request, _("New push secrets were generated."), messages.SUCCESS)


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "status", "ticket_link", "mailbox", "raw_link"]
    list_filter = ["status", "mailbox"]
    search_fields = ["sender", "subject", "message_id"]
    date_hierarchy = "received_at"
    list_select_related = ["mailbox"]
    actions = ["reprocess"]
    fields = [
        "received_at",
        "processed_at",
        "mailbox",
        "sender",
        "subject",
        "message_id",
        "status",
        "reason",
        "ticket_link",
        "raw_link",
        "raw_size",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ticket"))
    def ticket_link(self, obj: InboundEmail):
        if not obj.ticket_id:
            return "-"
        return format_html('<a href="{}">#{}</a>', reverse("agent:ticket", args=[obj.ticket_id]), obj.ticket_id)

    @admin.display(description=_("original message"))
    def raw_link(self, obj: InboundEmail):
        if not obj.raw:
            return "-"
        url = reverse("admin:tickets_inboundemail_raw", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("download .eml"))

    def get_urls(self):
        own = [
            path(
                "<int:pk>/raw/",
                self.admin_site.admin_view(self.raw_view),
                name="tickets_inboundemail_raw",
            )
        ]
        return own + super().get_urls()

    def raw_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        inbound = get_object_or_404(InboundEmail, pk=pk)
        try:
            handle = inbound.raw.open("rb")
        except (FileNotFoundError, OSError, ValueError) as exc:
            raise Http404 from exc
        response = FileResponse(
            handle, as_attachment=True, filename=f"inbound-{inbound.pk}.eml", content_type="message/rfc822"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=_("Process the selected quarantined email again"), permissions=["view"])
    def reprocess(self, request, queryset):
        done = failed = 0
        for inbound in queryset.filter(status=InboundEmail.Status.QUARANTINED):
            try:
                result = email_reprocess(inbound=inbound)
            except DomainError:
                failed += 1
                continue
            if result.status == InboundEmail.Status.QUARANTINED:
                failed += 1
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d email was processed.", "%(count)d emails were processed.", done) % {"count": done},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                ngettext("%(count)d email is still quarantined.", "%(count)d emails are still quarantined.", failed)
                % {"count": failed},
                messages.WARNING,
            )


@admin.register(NotificationLog)
class NotificationLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "recipient", "ticket", "sent_at", "attempts", "has_error"]
    list_filter = ["kind", "template", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient", "key", "message_id"]
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
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("error"))
    def has_error(self, obj: NotificationLog) -> bool:
        return bool(obj.last_error)

    @admin.action(description=_("Send the selected unsent notifications again"), permissions=["view"])
    def retry(self, request, queryset):
        ids = list(queryset.filter(sent_at__isnull=True).values_list("pk", flat=True))
        with transaction.atomic():
            NotificationLog.objects.filter(pk__in=ids, sent_at__isnull=True).update(
                attempts=0, claimed_at=None, next_attempt_at=None
            )
            for notification_id in ids:
                tasks.send_notification.delay_on_commit(notification_id)
        self.message_user(
            request,
            ngettext(
                "%(count)d notification will be sent again.", "%(count)d notifications will be sent again.", len(ids)
            )
            % {"count": len(ids)},
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
class WebhookEndpointAdmin(admin.ModelAdmin):
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


from . import admin_workspace  # noqa: E402, F401 (registers Macro, SavedView, ArticleUsage)
