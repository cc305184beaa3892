from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.utils import model_ngettext
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static import admin as otp_static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.outbox import admin as outbox_admin  # noqa: F401 - registers the outbox's models

from . import dates, passwords, services
from .audit.admin import AuditedAdmin
from .exceptions import DomainError
from .forms import AdminPasswordChangeForm, AdminSignInForm, service_error_text
from .models import ApiToken, Team, User, WorkerHeartbeat
from .names import site_name_lazy

# The admin's own login checks passwords too: under the same sign-in limits as every other way in.
admin.site.login_form = AdminSignInForm
# The product's name in both languages, not Django's ("Django administration", "مدیریت Django").
admin.site.site_header = site_name_lazy()
admin.site.site_title = site_name_lazy()
admin.site.index_title = _("Configuration")


@admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
def delete_selected(modeladmin, request, queryset):
    """Django's "delete selected" for every model: the same confirmation page and checks; once confirmed,
    the count in its closing message is written in the reader's digits (Persian in fa)."""
    if not request.POST.get("post"):
        return admin_actions.delete_selected(modeladmin, request, queryset)  # the confirmation page
    *__, perms_needed, protected = modeladmin.get_deleted_objects(queryset, request)
    if protected:
        return admin_actions.delete_selected(modeladmin, request, queryset)  # says what is protected
    if perms_needed:
        raise PermissionDenied
    if count := len(queryset):
        modeladmin.log_deletions(request, queryset)
        modeladmin.delete_queryset(request, queryset)
        message = dates.fill(
            _("Successfully deleted %(count)d %(items)s."),
            {"count": count, "items": model_ngettext(modeladmin.opts, count)},
        )
        modeladmin.message_user(request, message, messages.SUCCESS)
    return None


admin.site.add_action(delete_selected)


class UserEmailMixin:
    """The email as `services.user_create` takes it: lower-cased, and refused with one clear message when
    another login has it in any letter case (the model's own checks said "Constraint “user_email_ci_unique”
    is violated." and, for an exact duplicate, Django's message beside it)."""

    def clean_email(self) -> str:
        # the service's rule and message; an error on the field also skips the model's own checks of it
        try:
            return services.user_email_checked(self.cleaned_data["email"], user=self.instance)
        except ValidationError as exc:
            raise ValidationError(exc.error_dict["email"]) from exc  # the service's message and code


class UserCreationForm(UserEmailMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "role"]


class UserChangeForm(UserEmailMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    add_form = UserCreationForm
    form = UserChangeForm
    change_password_form = AdminPasswordChangeForm
    actions = ["revoke_api_tokens", "send_password_links"]
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "is_away", "last_login"]
    list_filter = ["role", "is_active", "is_away", "two_factor_enabled", "teams"]
    search_fields = ["email", "full_name"]
    filter_horizontal = ["teams", "groups", "user_permissions"]
    # on in the person's profile; a lost phone: delete their TOTP device (django-otp's admin), they set up anew
    readonly_fields = ["two_factor_enabled"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["full_name", "role", "teams", "language", "time_zone", "is_away", "max_open_tickets"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "two_factor_enabled", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "usable_password", "password1", "password2"],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        renamed_to = obj.full_name if change and "full_name" in form.changed_data else None
        if renamed_to is not None:
            obj.full_name = form.initial.get("full_name", "")  # the rename itself goes through the service
        super().save_model(request, obj, form, change)
        if renamed_to is not None:
            services.user_rename(user=obj, full_name=renamed_to)
        if change and "is_active" in form.changed_data:
            services.user_set_active(user=obj, active=obj.is_active)
        if not change and obj.is_agent and not obj.has_usable_password():
            # an agent added without a password could never sign in: mail them the link to choose one
            self._send_password_link(request, obj)

    def get_urls(self):
        send = self.admin_site.admin_view(self.send_password_link_view)
        return [path("<int:user_id>/password-link/", send, name="helpdesk_user_password_link"), *super().get_urls()]

    def _send_password_link(self, request, user: User) -> int:
        """One invitation through the service; its refusal, or what was sent, as a message."""
        try:
            passwords.user_password_invite(user=user, invited_by=request.user)
        except (ValidationError, DomainError) as exc:
            self.message_user(request, f"{user.email}: {service_error_text(exc)}", messages.ERROR)
            return 0
        self.message_user(
            request, _("A link to choose a password was sent to %(email)s.") % {"email": user.email}, messages.SUCCESS
        )
        return 1

    def send_password_link_view(self, request, user_id: int):
        """The change page's "Send a set-password link" button (POST only)."""
        user = get_object_or_404(User, pk=user_id)
        if request.method != "POST" or not self.has_change_permission(request, user):
            raise PermissionDenied
        self._send_password_link(request, user)
        return HttpResponseRedirect(reverse("admin:helpdesk_user_change", args=[user.pk]))

    @admin.action(description=_("Send a link to choose a password to the selected users"))
    def send_password_links(self, request, queryset):
        for user in queryset:
            self._send_password_link(request, user)

    @admin.action(description=_("Revoke all API tokens of the selected users"))
    def revoke_api_tokens(self, request, queryset):
        count = sum(services.api_tokens_revoke_all(user=user) for user in queryset)
        self.message_user(
            request,
            dates.fill(
                ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.", count), {"count": count}
            ),
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Administrators see and revoke (delete) anyone's tokens; nobody makes one for somebody else."""

    list_display = ["name", "user", "created_at", "last_used_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__email"]
    readonly_fields = ["user", "name", "created_at", "last_used_at", "expires_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.api_token_revoke(token=obj)


class TeamForm(forms.ModelForm):
    """The lead is an agent or an administrator (services.team_lead_errors), on adding and changing."""

    class Meta:
        model = Team
        fields = services.TEAM_FIELDS

    def clean_lead(self):
        lead = self.cleaned_data.get("lead")
        for message in services.team_lead_errors(lead).get("lead", []):
            raise ValidationError(message)
        return lead


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    form = TeamForm
    list_display = ["name", "name_fa", "slug", "lead", "assignment_mode", "max_open_per_agent", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "name_fa"]
    list_filter = ["is_active", "assignment_mode"]

    def save_model(self, request, obj, form, change):
        if not change:  # a new team: no referral to it yet
            super().save_model(request, obj, form, change)
            return
        data = {field: form.cleaned_data[field] for field in services.TEAM_FIELDS if field in form.cleaned_data}
        services.team_update(actor=request.user, team=obj, data=data)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
    readonly_fields = ["name", "seen_at"]


# Two-factor devices: an administrator sees and deletes them (a reset: the person sets up again at the
# next sign-in) but never adds one, which would mean choosing a secret for someone else. Secrets, QR codes
# and recovery codes stay hidden (OTP_ADMIN_HIDE_SENSITIVE_DATA).
class TOTPDeviceAdmin(otp_totp_admin.TOTPDeviceAdmin):
    def has_add_permission(self, request):
        return False


class StaticDeviceAdmin(otp_static_admin.StaticDeviceAdmin):
    def has_add_permission(self, request):
        return False


for model, model_admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
