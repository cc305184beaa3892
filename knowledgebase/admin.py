"""Django admin for the knowledge base: configuration and oversight; writes go through the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helpdesk import dates
from helpdesk.exceptions import DomainError

from . import services
from .models import Article, ArticleFeedback, Category, SearchGap, Status, SynonymGroup


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "order", "language"]
    list_filter = ["language"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in ("name", "description", "parent", "order", "language", "slug")
        }
        if change:
            services.category_update(actor=request.user, category=obj, **fields)
        else:
            created = services.category_create(actor=request.user, **fields)
            obj.pk = created.pk


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Read-only here: articles are written in the agent workspace (/kb/manage/), with revisions."""

    list_display = ["title", "status", "visibility", "language", "category", "updated_at"]
    list_filter = ["status", "visibility", "language", "category"]
    search_fields = ["title", "search_title"]
    actions = ["publish", "archive"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _move(self, request, queryset, status):
        moved = 0
        for article in queryset:
            try:
                services.article_change_status(article=article, actor=request.user, status=status)
                moved += 1
            except DomainError as exc:
                self.message_user(request, f"{article}: {exc.detail}", messages.WARNING)
        self.message_user(request, dates.fill(_("%(count)s articles changed."), {"count": moved}))

    @admin.action(description=_("Publish selected articles"))
    def publish(self, request, queryset):
        self._move(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("Archive selected articles"))
    def archive(self, request, queryset):
        self._move(request, queryset, Status.ARCHIVED)


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "user", "helpful", "created_at", "resolved_at"]
    list_filter = ["helpful"]
    raw_id_fields = ["article", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SearchGap)
class SearchGapAdmin(admin.ModelAdmin):
    list_display = ["query", "count", "last_seen"]
    search_fields = ["query"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SynonymGroupForm(forms.ModelForm):
    class Meta:
        model = SynonymGroup
        fields = ["terms", "note"]

    def clean_terms(self):
        try:
            return services.synonym_terms_clean(self.cleaned_data["terms"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["terms"]) from exc


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    """Words that mean the same to searchers (password ~ passcode ~ رمز عبور); an edit applies at once."""

    form = SynonymGroupForm
    list_display = ["__str__", "note", "updated_at"]
    search_fields = ["terms", "note"]

    def save_model(self, request, obj, form, change):
        services.synonym_group_save(actor=request.user, group=obj)

    def delete_model(self, request, obj):
        services.synonym_group_delete(actor=request.user, group=obj)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            services.synonym_group_delete(actor=request.user, group=group)
