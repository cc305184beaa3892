"""The reports' pages: the index, one page per registered report, CSV export (`?format=csv`)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk.permissions import agent_required
from tickets.reports import REPORTS
from tickets.reports.base import Report, report_run
from tickets.reports.output import report_csv, summary_note
from tickets.reports.params import ReportForm


def csv_response(report: Report, form: ReportForm, content: bytes) -> HttpResponse:
    data = form.cleaned_data
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = f"{report.slug}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@agent_required
def report_index(request: HttpRequest) -> HttpResponse:
    return render(request, "tickets/reports/index.html", {"reports": list(REPORTS.values())})


@agent_required
def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    report = REPORTS.get(slug)
    if report is None:
        raise Http404
    query = request.GET.copy()
    wants_csv = query.pop("format", [""])[-1] == "csv"
    form = ReportForm(query, report=report)
    result = None
    if form.is_valid():
        result = report_run(report, form.params(user=request.user))
        if wants_csv:
            return csv_response(report, form, report_csv(result))
    context = {
        "report": report,
        "form": form,
        "result": result,
        "reports": list(REPORTS.values()),
        "summary_note": summary_note(result) if result else "",
    }
    return render(request, "tickets/reports/report.html", context, status=200 if result else 400)
