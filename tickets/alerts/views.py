"""The notification centre's pages: the list, the top bar's bell (polled by htmx), opening and marking
read, and the agent's delivery choices (also shown inside the profile page)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk import dates
from helpdesk.paging import page_number
from helpdesk.permissions import agent_required
from tickets.alerts import selectors, services
from tickets.alerts.forms import NotificationPreferencesForm
from tickets.alerts.text import alert_html
from tickets.workspace import lists as workspace

BADGE_POLL_SECONDS = 20


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@agent_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The agent's notifications, newest first, 50 a page (?unread=1: the unread ones only)."""
    unread = request.GET.get("unread") == "1"
    page = workspace.paginate(
        selectors.notification_list_for(user=request.user, unread=unread), page=page_number(request.GET.get("page"))
    )
    for notification in page.rows:
        notification.text = alert_html(notification)
    return render(request, "tickets/agent/notifications.html", {"page": page, "unread": unread})


@agent_required
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The bell with the unread count: one indexed COUNT, fetched on load and every 20 seconds."""
    count = selectors.unread_count_for(user=request.user)
    return render(
        request,
        "tickets/agent/_bell.html",
        {"unread": count, "over": count > selectors.BADGE_CAP, "poll": BADGE_POLL_SECONDS},
    )


@agent_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of the agent's notifications read and go where it points."""
    notification = selectors.notification_get_for(user=request.user, notification_id=notification_id)
    if notification is None:
        return redirect("agent:notifications")
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    return redirect(notification.url if notification.url and safe else reverse("agent:notifications"))


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("agent:notifications")
    return redirect(target)


@agent_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, notification_id=notification_id)
    return _back(request)


@agent_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = services.notification_mark_all_read(user=request.user)
    text = ngettext("%(count)s notification marked read.", "%(count)s notifications marked read.", marked)
    messages.success(request, dates.fill(text, {"count": marked}))
    return _back(request)


@agent_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """How the agent hears about each kind; htmx gets the form alone (the profile page shows it)."""
    choices = selectors.delivery_choices_for(user=request.user)
    form = NotificationPreferencesForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your notification choices were saved."))
        return redirect("profile" if request.POST.get("next") == "profile" else "agent:notification-settings")
    template = (
        "tickets/agent/_notification_settings.html" if _is_htmx(request) else "tickets/agent/notification_settings.html"
    )
    context = {"form": form, "profile": request.GET.get("profile") == "1"}
    return render(request, template, context, status=400 if form.errors else 200)
