"""Admin of the category tree, root causes and problem records. Categories are saved through
tickets.problems.categories (the two-level rule); problems through their services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from helpdesk.audit.admin import AuditedAdmin
from tickets.models import Category, Problem, RootCause, Ticket
from tickets.problems import categories as category_services
from tickets.problems import services as problem_services


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["name", "name_fa", "parent", "is_active", "position"]
    list_filter = ["is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_editable = ["is_active", "position"]
    search_fields = ["name", "name_fa"]
    list_select_related = ["parent"]
    fields = ["name", "name_fa", "parent", "is_active", "position"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":  # only top-level categories can have children
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in category_services.CATEGORY_FIELDS if name in form.cleaned_data
        }
        if change:
            category_services.category_update(actor=request.user, category=obj, changes=fields)
        else:
            saved = category_services.category_create(actor=request.user, **fields)
            obj.pk = saved.pk

    def delete_model(self, request, obj):
        category_services.category_delete(actor=request.user, category=obj)


@admin.register(RootCause)
class RootCauseAdmin(AuditedAdmin):
    list_display = ["name", "name_fa", "is_active", "position"]
    list_filter = ["is_active"]
    list_editable = ["is_active", "position"]
    search_fields = ["name", "name_fa"]


class IncidentInline(admin.TabularInline):
    model = Ticket
    fk_name = "problem"
    fields = ["subject", "status", "requester"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = _("incident")
    verbose_name_plural = _("incidents")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "owner", "team", "updated_at"]
    list_filter = ["status", "team"]
    search_fields = ["title"]
    list_select_related = ["owner", "team"]
    raw_id_fields = ["owner"]
    fields = ["title", "description", "cause", "status", "root_cause", "owner", "team"]
    inlines = [IncidentInline]

    def save_model(self, request, obj, form, change):
        if change:
            changes = {field: form.cleaned_data[field] for field in form.changed_data}
            problem_services.problem_update(problem=obj, actor=request.user, changes=changes)
        else:
            data = {field: form.cleaned_data[field] for field in self.fields}
            obj.pk = problem_services.problem_create(actor=request.user, **data).pk
