"""The reports' summary (issue #15): one narrow row per ticket of every whole past day, filled by a
Celery job, so the heavy reports read precomputed flags and minutes instead of each ticket's
messages and events.

Why one row per ticket and not per (day, team, agent, product, organization, channel, category):
with thousands of organizations and dozens of agents almost every such group of a day holds one
ticket (bench/seed.py: 200,000 tickets make 199,997 such day groups), so a roll-up saves no rows, and exact
percentiles (median, 90th) need every value anyway: histograms would round them, per-group sorted
samples are the same values stored in arrays. A row per ticket keeps `percentile_cont` exact and
equal to the live computation, on PostgreSQL and on SQLite, and GROUP BY per day and dimension is
the database's work at read time over a table ~10x narrower than tickets, written in creation order.

Three relations: the table `ReportFact` (rows of tickets created before `ReportSummary.covered_until`),
the view `tickets_reportfactsource` (the same columns computed live from tickets, messages and
events: what the job inserts) and the view `tickets_reportrow` (`ReportRow`: the table, plus the
source for tickets created since `covered_until`, i.e. today), which the reports read.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _fk(model: str) -> models.ForeignKey:
    # No constraint: the summary never blocks deleting a team or a ticket; the job prunes and refills.
    return models.ForeignKey(model, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")


class ReportFactFields(models.Model):
    """The columns of a summary row (the table and both views have them, in this order)."""

    ticket_id = models.BigIntegerField(primary_key=True)
    created_at = models.DateTimeField()
    team = _fk("helpdesk.Team")
    assignee = _fk(settings.AUTH_USER_MODEL)
    product = _fk("customers.Product")
    organization = _fk("customers.Organization")
    requester = _fk("customers.Contact")  # the recurring-issues report's customer
    category = _fk("tickets.Category")
    sla_policy = _fk("customers.SlaPolicy")
    channel = models.CharField(max_length=16)
    priority = models.CharField(max_length=16)
    status = models.CharField(max_length=16)
    # clock minutes from creation (the same float expression as helpdesk.aggregates.minutes_between)
    first_response_minutes = models.FloatField(null=True)
    resolution_minutes = models.FloatField(null=True)
    first_response_business_minutes = models.IntegerField(null=True)
    resolution_business_minutes = models.IntegerField(null=True)
    agent_replies = models.IntegerField()  # public agent replies after the opening message
    reopened = models.BooleanField()  # a status change solved -> an open status
    first_response_met = models.BooleanField()  # an SLA_MET event of the target
    first_response_breached = models.BooleanField()  # an SLA_BREACHED event of the target
    resolution_met = models.BooleanField()
    resolution_breached = models.BooleanField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"ticket {self.ticket_id}"


class ReportFact(ReportFactFields):
    class Meta:
        indexes = [
            # every report reads a range of creation times (tickets.reports.rows.report_rows)
            models.Index(fields=["created_at"], name="reportfact_created_idx"),
        ]


class ReportRow(ReportFactFields):
    """What the reports read: the view tickets_reportrow (summary rows, plus today's computed live)."""

    class Meta:
        managed = False
        db_table = "tickets_reportrow"


class ReportSummary(models.Model):
    """The one row saying how far the summary goes (id 1); the job locks it, so two runs never
    refill at once."""

    # Tickets created before this moment (a day's start in TIME_ZONE) are in ReportFact.
    covered_until = models.DateTimeField(_("summarized up to"), null=True)
    # When the last refresh finished (the pages show the figures' age from it).
    refreshed_at = models.DateTimeField(_("refreshed"), null=True)
    # Tickets updated since this moment are re-read by the next refresh.
    changes_since = models.DateTimeField(null=True)
    # Tickets with a status or SLA event of a higher id are re-read too (the SLA sweep records breaches
    # without touching updated_at); read through the events' primary key.
    events_after_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"report summary up to {self.covered_until}"
