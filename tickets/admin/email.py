"""Admin for the email channel: mailboxes, the inbound log (quarantine), the outbox."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk import crypto, dates
from helpdesk.audit.admin import AuditedAdmin
from helpdesk.exceptions import DomainError
from tickets.email.ingest import email_reprocess
from tickets.models import InboundEmail, Mailbox, new_push_secret


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
            "default_category",
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
class MailboxAdmin(AuditedAdmin):
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
                dates.fill(
                    ngettext("%(count)d email was processed.", "%(count)d emails were processed.", done),
                    {"count": done},
                ),
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                dates.fill(
                    ngettext(
                        "%(count)d email is still quarantined.", "%(count)d emails are still quarantined.", failed
                    ),
                    {"count": failed},
                ),
                messages.WARNING,
            )
