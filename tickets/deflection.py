"""Requests the knowledge base answered: suggested articles opened from the new-request form
whose form was then never sent."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from customers.models import Contact
from helpdesk.models import User
from knowledgebase import selectors as kb_selectors
from tickets.models import Deflection, Ticket

GRACE = timedelta(minutes=30)  # a form sent within this long after reading was not deflected


def deflection_open(
    *, contact: Contact, user: User, token: str, article_id: int, now: datetime | None = None
) -> Deflection | None:
    """Record that the customer opened a suggested article (once per form and article).

    Unknown tokens or articles the customer may not see are ignored (None), never an error.
    """
    try:
        token_value = uuid.UUID(str(token))
        article = kb_selectors.article_get_for(user=user, article_id=int(article_id))
    except (ValueError, TypeError, Http404):
        return None
    try:
        with transaction.atomic():
            return Deflection.objects.create(
                token=token_value, contact=contact, article=article, opened_at=now or timezone.now()
            )
    except IntegrityError:
        return Deflection.objects.filter(token=token_value, article=article).first()


def deflection_converted(*, contact: Contact, token: str, ticket: Ticket) -> int:
    """The form was sent after all: its opened articles did not deflect this request."""
    try:
        token_value = uuid.UUID(str(token))
    except (ValueError, TypeError):
        return 0
    return Deflection.objects.filter(token=token_value, contact=contact, ticket__isnull=True).update(ticket=ticket)


@dataclass(frozen=True)
class DeflectionStats:
    deflected: int
    converted: int
    top_articles: list[tuple[str, int]]


def deflection_stats(*, user: User, start: datetime, end: datetime, now: datetime) -> DeflectionStats | None:
    """Deflected (no request sent) vs converted forms in [start, end); agents only."""
    if not user.is_agent:
        return None
    rows = Deflection.objects.filter(opened_at__gte=start, opened_at__lt=min(end, now - GRACE))
    deflected = rows.filter(ticket__isnull=True)
    forms_deflected = deflected.values("token").distinct().count()
    forms_converted = rows.filter(ticket__isnull=False).values("token").distinct().count()
    top = list(
        deflected.values("article__title")
        .annotate(n=Count("token", distinct=True))
        .order_by("-n", "article__title")[:5]
    )
    return DeflectionStats(
        deflected=forms_deflected, converted=forms_converted, top_articles=[(r["article__title"], r["n"]) for r in top]
    )
