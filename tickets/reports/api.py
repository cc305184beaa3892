"""The reports in the API: `GET /api/v1/reports/<name>/` (JSON, or CSV with `?format=csv`); agents only.

`/api/v1/reports/sla/` keeps the list of compliance rows it always answered (a public contract);
its CSV is the framework's."""

import json

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.permissions import IsAgent
from tickets.api.common import ERR_400, ERR_401_403
from tickets.deflection import deflection_stats
from tickets.reports import REPORTS
from tickets.reports.base import Report, report_run, report_settings
from tickets.reports.dimensions import DIMENSIONS
from tickets.reports.output import report_csv, report_json
from tickets.reports.params import ReportForm
from tickets.reports.stats import sla_compliance
from tickets.reports.views import csv_response

CSV_FILE = OpenApiResponse(
    OpenApiTypes.STR, description="With `format=csv`: the report as a CSV file (UTF-8 with a BOM), a header row first."
)


class CsvRenderer(renderers.BaseRenderer):
    """Lets `?format=csv` through DRF's content negotiation; the views answer the CSV themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # An error ({"code", "detail"}) keeps its JSON body whatever format was asked for.
        return data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()


class ColumnOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["text", "label", "int", "number", "percent", "money", "date", "period"])


class TableOutput(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = ColumnOutput(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(), help_text="One object per row, keyed by the columns' `key`."
    )


class FigureOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    kind = serializers.CharField()


class ReportOutput(serializers.Serializer):
    report = serializers.CharField()
    title = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="Inclusive.")
    group_by = serializers.CharField(allow_blank=True)
    filters = serializers.DictField(child=serializers.CharField())
    figures = FigureOutput(many=True)
    tables = TableOutput(many=True)
    notes = serializers.ListField(child=serializers.CharField())
    summary_refreshed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="Reports read from the summary: when it was last refreshed (null: never, or a live-only report)",
    )
    summary_note = serializers.CharField(
        allow_blank=True, help_text="How old the figures are, in words (empty for a live-only report)"
    )


PARAMETERS = [
    OpenApiParameter(
        "start", str, description="First day, YYYY-MM-DD (a Jalali YYYY/MM/DD in Persian); default 30 days ago"
    ),
    OpenApiParameter("end", str, description="Last day (inclusive), YYYY-MM-DD; default today"),
    OpenApiParameter("format", str, enum=["json", "csv"], description="csv: UTF-8 with a BOM"),
    OpenApiParameter("bucket", str, enum=["day", "week", "month"], description="volume: the time buckets"),
    OpenApiParameter("group_by", str, enum=list(DIMENSIONS), description="Reports that group: the dimension"),
    OpenApiParameter("days", int, description="recurring: came back within this many days (default 7)"),
    OpenApiParameter(
        "about", str, enum=["product", "category"], description="recurring: a return shares this (default product)"
    ),
    *[
        OpenApiParameter(key, str, description=f"Only tickets of this {key} (id; channel: its name)")
        for key in ("team", "agent", "product", "organization", "channel", "category")
    ],
]


def _params(request, report: Report):
    form = ReportForm(request.query_params, report=report)
    if not form.is_valid():
        raise serializers.ValidationError(form.errors)
    return form, form.params(user=request.user)


class ReportView(APIView):
    """One report over a date range (agents only); see /agent/reports/ for what each report counts."""

    permission_classes = [IsAgent]
    renderer_classes = [renderers.JSONRenderer, CsvRenderer]

    @extend_schema(
        operation_id="reports_retrieve",
        parameters=[
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=[s for s in REPORTS if s != "sla"]),
            *PARAMETERS,
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                ReportOutput, description="The report as JSON, or with `format=csv` as a CSV file."
            ),
            (200, "text/csv"): CSV_FILE,
            **ERR_400,
            **ERR_401_403,
        },
    )
    def get(self, request, name: str):
        report = REPORTS.get(name)
        if report is None:
            raise NotFound()
        form, params = _params(request, report)
        result = report_run(report, params)
        if request.query_params.get("format") == "csv":
            return csv_response(report, form, report_csv(result))
        return Response(ReportOutput(report_json(report, params, result)).data)


class ComplianceRowOutput(serializers.Serializer):
    group = serializers.CharField()
    tickets = serializers.IntegerField()
    first_response_met = serializers.IntegerField()
    first_response_breached = serializers.IntegerField()
    first_response_met_percent = serializers.FloatField(allow_null=True)
    resolution_met = serializers.IntegerField()
    resolution_breached = serializers.IntegerField()
    resolution_met_percent = serializers.FloatField(allow_null=True)
    first_response_median_minutes = serializers.FloatField(allow_null=True)
    first_response_p90_minutes = serializers.FloatField(allow_null=True)
    resolution_median_minutes = serializers.FloatField(allow_null=True)
    resolution_p90_minutes = serializers.FloatField(allow_null=True)


class SlaReportView(APIView):
    """SLA compliance of tickets created in a date range (agents only)."""

    permission_classes = [IsAgent]
    renderer_classes = [renderers.JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=PARAMETERS,
        responses={
            (200, "application/json"): ComplianceRowOutput(many=True),
            (200, "text/csv"): CSV_FILE,
            **ERR_400,
            **ERR_401_403,
        },
    )
    def get(self, request):
        report = REPORTS["sla"]
        form, params = _params(request, report)
        if request.query_params.get("format") == "csv":
            return csv_response(report, form, report_csv(report_run(report, params)))
        with report_settings():
            rows = sla_compliance(
                user=request.user, start=params.start, end=params.end, group_by=params.group_by, filters=params.filters
            )
        return Response(ComplianceRowOutput(rows, many=True).data)


class DeflectionOutput(serializers.Serializer):
    deflected = serializers.IntegerField(help_text="New-request forms left unsent after opening a suggested article.")
    converted = serializers.IntegerField(help_text="Forms sent anyway after opening a suggested article.")
    top_articles = serializers.ListField(child=serializers.ListField(), help_text="[title, deflected forms]")


class DeflectionReportView(APIView):
    """Requests the knowledge base answered, for tickets' date range (agents only)."""

    permission_classes = [IsAgent]

    @extend_schema(
        parameters=[OpenApiParameter("start", str), OpenApiParameter("end", str)],
        responses={200: DeflectionOutput, **ERR_400, **ERR_401_403},
    )
    def get(self, request):
        _form, params = _params(request, REPORTS["sla"])
        stats = deflection_stats(user=request.user, start=params.start, end=params.end, now=timezone.now())
        return Response(DeflectionOutput(stats).data)
