"""Admin of satisfaction (issue #15): surveys, ratings and rating follow-ups, read-mostly. Surveys and
ratings are written by the sweep and the rating services only, so they are read-only here; a
follow-up can be marked done, through the same service as the agent pages and the API."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk import dates
from helpdesk.exceptions import DomainError
from tickets.models import RatingFollowUp, SatisfactionRating, SatisfactionSurvey
from tickets.satisfaction.follow_ups import follow_up_done


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and filter; nothing is added, changed or deleted from here."""

    @admin.display(description=_("Ticket"), ordering="ticket")
    def ticket_label(self, obj):
        return obj.ticket

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SurveySentFilter(admin.SimpleListFilter):
    title = _("mail")
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("yes", _("Sent")), ("no", _("Not sent yet"))]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(notification__sent_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(notification__sent_at__isnull=True)
        return queryset


class SurveyRatedFilter(admin.SimpleListFilter):
    title = _("rated")
    parameter_name = "rated"

    def lookups(self, request, model_admin):
        return [("yes", _("Rated")), ("no", _("Not rated"))]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(ticket__satisfaction_rating__isnull=self.value() == "no")
        return queryset


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(ReadOnlyAdmin):
    list_display = ["ticket_label", "ticket_team", "solved_at", "queued_at", "sent_at"]
    list_filter = [SurveySentFilter, SurveyRatedFilter, ("ticket__team", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["ticket", "ticket__team", "notification"]
    search_fields = ["ticket__id", "ticket__subject"]
    date_hierarchy = "queued_at"
    fields = ["ticket", "solved_at", "queued_at", "notification"]

    @admin.display(description=_("team"), ordering="ticket__team__name")
    def ticket_team(self, obj: SatisfactionSurvey):
        return obj.ticket.team

    @admin.display(description=_("sent"))
    def sent_at(self, obj: SatisfactionSurvey):
        return obj.notification.sent_at if obj.notification else None


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyAdmin):
    list_display = ["ticket_label", "score", "contact", "created_at", "updated_at"]
    list_filter = ["score", ("ticket__team", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["ticket", "contact"]
    search_fields = ["ticket__id", "comment", "contact__email"]
    date_hierarchy = "created_at"
    fields = ["ticket", "contact", "score", "comment", "created_at", "updated_at"]


class FollowUpOpenFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("done", _("Done"))]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() in ("open", "done"):
            return queryset.filter(resolved_at__isnull=self.value() == "open")
        return queryset


@admin.register(RatingFollowUp)
class RatingFollowUpAdmin(ReadOnlyAdmin):
    list_display = ["ticket_label", "score", "ticket_team", "created_at", "resolved_at", "resolved_by"]
    list_filter = [FollowUpOpenFilter, "score", ("ticket__team", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["ticket", "ticket__team", "resolved_by"]
    search_fields = ["ticket__id", "ticket__subject", "note"]
    date_hierarchy = "created_at"
    fields = ["ticket", "rating", "score", "created_at", "resolved_at", "resolved_by", "note"]
    actions = ["mark_done"]

    @admin.display(description=_("team"), ordering="ticket__team__name")
    def ticket_team(self, obj: RatingFollowUp):
        return obj.ticket.team

    @admin.action(description=_("Mark the selected follow-ups done"))
    def mark_done(self, request, queryset: QuerySet[RatingFollowUp]) -> None:
        done = 0
        for follow_up in queryset.filter(resolved_at__isnull=True).select_related("ticket"):
            try:
                follow_up_done(follow_up=follow_up, actor=request.user, note=str(_("Marked done in the admin.")))
            except DomainError:
                continue  # done meanwhile by someone else
            done += 1
        self.message_user(
            request,
            dates.fill(
                ngettext("%(count)s follow-up marked done.", "%(count)s follow-ups marked done.", done), {"count": done}
            ),
            messages.SUCCESS,
        )
