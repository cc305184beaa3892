"""The SLA compliance report, as an agent page and as an API endpoint (same selector)."""

from datetime import datetime, time, timedelta

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.permissions import IsAgent, agent_required
from tickets.deflection import deflection_stats
from tickets.reports.stats import GROUPS, sla_compliance


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("policy", _("SLA policy")), ("team", _("Team")), ("priority", _("Priority"))],
    )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["start"] = data.get("start") or today - timedelta(days=30)
        data["end"] = data.get("end") or today
        data["group_by"] = data.get("group_by") or "policy"
        if data["end"] < data["start"]:
            raise forms.ValidationError(_("The end date must not be before the start date."))
        return data

    def range(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.cleaned_data["start"], time.min, tzinfo=tz)
        end = datetime.combine(self.cleaned_data["end"] + timedelta(days=1), time.min, tzinfo=tz)
        return start, end


@agent_required
def sla_report_page(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None)
    rows, deflection = [], None
    if form.is_valid() or not request.GET:
        if not request.GET:
            form = ReportForm({})
            form.is_valid()
        start, end = form.range()
        rows = sla_compliance(user=request.user, start=start, end=end, group_by=form.cleaned_data["group_by"])
        deflection = deflection_stats(user=request.user, start=start, end=end, now=timezone.now())
    return render(request, "tickets/reports/sla.html", {"form": form, "rows": rows, "deflection": deflection})


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


class DeflectionOutput(serializers.Serializer):
    deflected = serializers.IntegerField(help_text="New-request forms left unsent after opening a suggested article.")
    converted = serializers.IntegerField(help_text="Forms sent anyway after opening a suggested article.")
    top_articles = serializers.ListField(child=serializers.ListField(), help_text="[title, deflected forms]")


class DeflectionReportView(APIView):
    """Requests the knowledge base answered, for tickets' date range (agents only)."""

    permission_classes = [IsAgent]

    @extend_schema(
        parameters=[OpenApiParameter("start", str), OpenApiParameter("end", str)],
        responses={200: DeflectionOutput},
    )
    def get(self, request):
        form = ReportForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        start, end = form.range()
        stats = deflection_stats(user=request.user, start=start, end=end, now=timezone.now())
        return Response(DeflectionOutput(stats).data)


class SlaReportView(APIView):
    """SLA compliance of tickets created in a date range (agents only)."""

    permission_classes = [IsAgent]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, description="YYYY-MM-DD, default 30 days ago"),
            OpenApiParameter("end", str, description="YYYY-MM-DD (inclusive), default today"),
            OpenApiParameter("group_by", str, enum=list(GROUPS)),
        ],
        responses={200: ComplianceRowOutput(many=True)},
    )
    def get(self, request):
        form = ReportForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        start, end = form.range()
        rows = sla_compliance(user=request.user, start=start, end=end, group_by=form.cleaned_data["group_by"])
        return Response(ComplianceRowOutput(rows, many=True).data)
