"""Satisfaction roll-up figures, computed by the database: two grouped aggregate queries (ratings,
surveys) and the same two without grouping for the total, whatever the number of tickets.

- Ratings count in the period they were given (`SatisfactionRating.created_at`): count, average,
  the distribution of scores 1-5, and the share of satisfied ratings (4 or 5).
- Surveys count in the period they were queued (`SatisfactionSurvey.queued_at`) when their mail was
  sent (not dropped); `responded` is how many of them have a rating (given at any time), and the
  response rate is responded / sent.
Grouped by the ticket's current agent, team, product, organization or category, or by day, week or
month in `tz`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from helpdesk.names import name_in_language
from helpdesk.rounding import round_half_up
from tickets.models import SatisfactionRating, SatisfactionSurvey
from tickets.ratings import SCORES

SATISFIED = (4, 5)
# group -> (the ticket's column, the columns its label is made of)
DIMENSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "agent": ("ticket__assignee_id", ("ticket__assignee__full_name", "ticket__assignee__email")),
    "team": ("ticket__team_id", ("ticket__team__name", "ticket__team__name_fa")),
    "product": ("ticket__product_id", ("ticket__product__name", "ticket__product__name_fa")),
    "organization": ("ticket__organization_id", ("ticket__organization__name",)),
    "category": ("ticket__category_id", ("ticket__category__name", "ticket__category__name_fa")),
}
PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
GROUPS = (*DIMENSIONS, *PERIODS)


@dataclass
class SatisfactionRow:
    """The figures of one group (or of everything: `key` None, `label` "")."""

    key: int | date | None  # the agent's/team's/... id (None: tickets without one), or the period's first day
    label: str
    ratings: int = 0
    average: float | None = None  # mean score, 1-5, None without ratings
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCORES, 0))
    satisfied_percent: float | None = None  # ratings of 4 or 5 among all, 0-100
    surveys_sent: int = 0
    responded: int = 0  # surveys sent whose ticket has a rating

    @property
    def response_rate(self) -> float | None:
        """Responded / surveys sent, 0-100; None when no survey was sent."""
        return float(round_half_up(Decimal(100 * self.responded) / self.surveys_sent)) if self.surveys_sent else None


@dataclass
class SatisfactionSummary:
    group: str
    date_from: datetime | None
    date_to: datetime | None
    rows: list[SatisfactionRow]  # ordered by key (periods oldest first), groups without ratings or surveys left out
    total: SatisfactionRow


def _rating_figures() -> dict[str, Any]:
    return {
        "n": Count("pk"),
        "avg": Avg("score"),
        "satisfied": Count("pk", filter=Q(score__in=SATISFIED)),
        **{f"s{score}": Count("pk", filter=Q(score=score)) for score in SCORES},
    }


def _survey_figures() -> dict[str, Any]:
    return {"sent": Count("pk"), "responded": Count("pk", filter=Q(rated=True))}


def _fill_ratings(row: SatisfactionRow, values: dict[str, Any]) -> None:
    row.ratings = values["n"]
    row.average = float(round_half_up(values["avg"], 2)) if values["avg"] is not None else None
    row.distribution = {score: values[f"s{score}"] for score in SCORES}
    row.satisfied_percent = (
        float(round_half_up(Decimal(100 * values["satisfied"]) / row.ratings)) if row.ratings else None
    )


def _grouped(qs: QuerySet, *, group: str, moment: str, tz: tzinfo) -> tuple[QuerySet, str, tuple[str, ...]]:
    """`qs` grouped by `group`: (the queryset of values, its key column, its label columns)."""
    if group in PERIODS:
        return qs.annotate(period=PERIODS[group](moment, tzinfo=tz)).values("period"), "period", ()
    column, label_columns = DIMENSIONS[group]
    return qs.values(column, *label_columns), column, label_columns


def _label(group: str, values: dict[str, Any], label_columns: tuple[str, ...], key: Any) -> str:
    if group in PERIODS or key is None:
        return ""
    parts = [values.get(column) or "" for column in label_columns]
    if group in ("team", "product", "category"):
        return name_in_language(parts[0], parts[1])
    return parts[0] or (parts[1] if len(parts) > 1 else "")


def _key(value: Any, tz: tzinfo) -> Any:
    return timezone.localtime(value, tz).date() if isinstance(value, datetime) else value


def satisfaction_summary(
    *,
    group: str,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    tz: tzinfo | None = None,
    tickets: Q | None = None,
) -> SatisfactionSummary:
    """Satisfaction figures per `group` (one of GROUPS) for ratings given and surveys queued in
    [date_from, date_to) (aware datetimes; None: unbounded), periods cut in `tz` (default: the current
    time zone), of the tickets `tickets` keeps (a Q over the rating's or survey's `ticket__` path; None:
    every ticket). Four queries. ValueError on an unknown group."""
    if group not in GROUPS:
        raise ValueError(f"Unknown group {group!r}; one of {', '.join(GROUPS)}.")
    tz = tz or timezone.get_current_timezone()
    ratings = SatisfactionRating.objects.order_by()
    surveys = SatisfactionSurvey.objects.order_by().filter(
        notification__sent_at__isnull=False, notification__dropped=False
    )
    surveys = surveys.annotate(rated=Exists(SatisfactionRating.objects.filter(ticket_id=OuterRef("ticket_id"))))
    if tickets is not None:
        ratings, surveys = ratings.filter(tickets), surveys.filter(tickets)
    if date_from is not None:
        ratings, surveys = ratings.filter(created_at__gte=date_from), surveys.filter(queued_at__gte=date_from)
    if date_to is not None:
        ratings, surveys = ratings.filter(created_at__lt=date_to), surveys.filter(queued_at__lt=date_to)
    rows: dict[Any, SatisfactionRow] = {}
    by_rating, key_column, label_columns = _grouped(ratings, group=group, moment="created_at", tz=tz)
    for values in by_rating.annotate(**_rating_figures()):
        key = _key(values[key_column], tz)
        row = rows.setdefault(key, SatisfactionRow(key=key, label=_label(group, values, label_columns, key)))
        _fill_ratings(row, values)
    by_survey, key_column, label_columns = _grouped(surveys, group=group, moment="queued_at", tz=tz)
    for values in by_survey.annotate(**_survey_figures()):
        key = _key(values[key_column], tz)
        row = rows.setdefault(key, SatisfactionRow(key=key, label=_label(group, values, label_columns, key)))
        row.surveys_sent, row.responded = values["sent"], values["responded"]
    total = SatisfactionRow(key=None, label="")
    _fill_ratings(total, ratings.aggregate(**_rating_figures()))
    survey_total = surveys.aggregate(**_survey_figures())
    total.surveys_sent, total.responded = survey_total["sent"], survey_total["responded"]
    ordered = sorted(rows.values(), key=lambda row: (row.key is None, str(row.key) if group in PERIODS else row.label))
    return SatisfactionSummary(group=group, date_from=date_from, date_to=date_to, rows=ordered, total=total)
