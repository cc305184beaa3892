"""The audit log page, in the admin (administrators only; anyone else signed in gets a 404)."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from helpdesk.audit.forms import AuditFilterForm
from helpdesk.audit.log import AuditFilter, audit_entries, audit_page_entries
from helpdesk.permissions import is_admin

PER_PAGE = 50


def audit_log_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and not is_admin(request.user):
        raise Http404
    return admin.site.admin_view(_audit_log)(request)


def _audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm({k: v for k, v in request.GET.items() if k != "page"} or None)
    if not form.is_bound:
        filters = AuditFilter()
    elif form.is_valid():
        filters = form.filters()
    else:
        filters = AuditFilter(model="-")  # a bad filter shows its error and no rows, not everything
    paginator = Paginator(audit_entries(actor=request.user, filters=filters), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **admin.site.each_context(request),
        "title": _("Audit log"),
        "form": form,
        "page": page,
        "entries": audit_page_entries(page.object_list),
        "page_range": paginator.get_elided_page_range(page.number),
        "query": query.urlencode(),
    }
    return render(request, "admin/audit/log.html", context)
