"""Admin of the agent workspace's configuration: macros, saved views, articles used on tickets.

Imported by tickets/admin/__init__.py, which registers them.
"""

from django import forms
from django.contrib import admin

from helpdesk.audit.admin import AuditedAdmin
from helpdesk.forms import TagListField
from tickets.models import ArticleUsage, Macro, SavedView
from tickets.workspace.macros import macro_tags, placeholder_errors


class MacroAdminForm(forms.ModelForm):
    add_tags = TagListField()  # plain text, as for routing rules and triggers; stored as the list

    class Meta:
        model = Macro
        fields = "__all__"  # noqa: DJ007 (the admin shows every field, as without this form)

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        if problems := placeholder_errors(body):  # the macro service's check (tickets.workspace.macros)
            raise forms.ValidationError(problems)
        return body

    def clean_add_tags(self):
        return macro_tags(self.cleaned_data.get("add_tags") or [])


@admin.register(Macro)
class MacroAdmin(AuditedAdmin):
    form = MacroAdminForm
    list_display = ("name", "internal", "owner", "shared_with_team", "is_global", "is_active", "usage_count")
    list_filter = ("is_global", "is_active", "internal", "shared_with_team")
    search_fields = ("name", "body")
    list_select_related = ("owner", "shared_with_team")
    autocomplete_fields = ("owner",)
    readonly_fields = ("usage_count", "created_at", "updated_at")


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "shared_with_team", "position")
    list_filter = ("shared_with_team",)
    search_fields = ("name", "owner__email")
    list_select_related = ("owner", "shared_with_team")
    autocomplete_fields = ("owner",)


@admin.register(ArticleUsage)
class ArticleUsageAdmin(admin.ModelAdmin):
    list_display = ("ticket", "article", "mode", "used_by", "used_at")
    list_filter = ("mode",)
    list_select_related = ("ticket", "article", "used_by")
    raw_id_fields = ("ticket", "article", "used_by")
