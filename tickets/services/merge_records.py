"""What a merge carries from the duplicate to the ticket that lives on, besides its conversation.

Each record either moves (the work it stands for now lives on the target), merges (the target gets the
union), or stays (it is about the duplicate as it was); nothing is copied, so no report counts it twice:
- time entries move, unchanged (agent, minutes, activity, day, note): the target's total is the work
  done for the request, and the time report counts each entry once, on the ticket that lives on. They
  count against the target's contract from now on (the note says so when the contracts differ).
- tags merge: the target gets the duplicate's tags it lacks (one tags event); the duplicate keeps its own.
- the problem: the target takes the duplicate's when it has none; when both have different ones the
  target keeps its own and the note names the duplicate's (an agent may switch). Either way the
  duplicate leaves its problem, so a problem counts the request once among its incidents.
- sales opportunities move (sales follow them up on the live ticket; each keeps the organization it
  was marked for), and so do product-feedback links, so the customer is told the outcome where the
  conversation lives (a closed duplicate takes no reply); a link to an item the target already backs
  is dropped: the item's demand counts the request once.
- knowledge-base articles used in the moved replies move with them (one per article and mode, as above).
- stays: satisfaction ratings, surveys and their follow-ups rate the help given on the ticket where
  they were given (its agent, its team, the day it was solved), and the target may have its own rating
  (one per ticket); the satisfaction figures count every rating once wherever it is. The audit trail,
  links to other tickets, received mails and in-app notifications stay too: they are the duplicate's
  history, and the duplicate link leads there.

Every step is a fixed number of statements whatever the counts (bulk UPDATE, INSERT, DELETE), in the
merge's transaction, with both tickets under its row lock.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Sum

from helpdesk.models import User
from tickets import events
from tickets.models import ArticleUsage, EventKind, FeedbackLink, Opportunity, Problem, Tag, Ticket, TimeEntry


@dataclass
class Carried:
    """What moved or merged, for the merge event, the internal note and the caller."""

    time_entries: int = 0
    minutes: int = 0
    tags: list[str] = field(default_factory=list)  # the names the target gained
    problem_taken: Problem | None = None  # the duplicate's problem, now the target's
    problem_apart: Problem | None = None  # the duplicate's problem, not the target's (the target kept its own)
    target_problem: Problem | None = None
    opportunities: int = 0
    feedback_links: int = 0
    article_usages: int = 0
    contract_changed: bool = False  # the moved time counts against another contract from now on

    def as_data(self) -> dict:
        """The counts as the target's merge event keeps them (JSON)."""
        return {
            "time_entries": self.time_entries,
            "minutes": self.minutes,
            "tags": self.tags,
            "problem": self.problem_taken.pk if self.problem_taken else None,
            "problem_apart": self.problem_apart.pk if self.problem_apart else None,
            "opportunities": self.opportunities,
            "feedback_links": self.feedback_links,
            "article_usages": self.article_usages,
        }


def _time(*, source: Ticket, target: Ticket, carried: Carried) -> None:
    """The duplicate's time entries move as they are (two statements: the sums, the UPDATE)."""
    entries = TimeEntry.objects.filter(ticket_id=source.pk)
    totals = entries.order_by().aggregate(n=Count("pk"), minutes=Sum("minutes"))
    if totals["n"]:
        carried.time_entries = entries.update(ticket_id=target.pk)
        carried.minutes = totals["minutes"] or 0
        carried.contract_changed = source.contract_id != target.contract_id


def _tags(*, source: Ticket, target: Ticket, actor: User, carried: Carried, now: datetime) -> None:
    """The target gets the duplicate's tags it lacks: one read of both, one INSERT, one tags event."""
    Through = Ticket.tags.through
    rows = list(Through.objects.filter(ticket_id__in=[source.pk, target.pk]).values_list("ticket_id", "tag_id"))
    own = {tag_id for ticket_id, tag_id in rows if ticket_id == target.pk}
    new = sorted({tag_id for ticket_id, tag_id in rows if ticket_id == source.pk} - own)
    if not new:
        return
    Through.objects.bulk_create([Through(ticket_id=target.pk, tag_id=tag_id) for tag_id in new], ignore_conflicts=True)
    names = dict(Tag.objects.filter(pk__in=own | set(new)).values_list("pk", "name"))
    carried.tags = sorted(names[tag_id] for tag_id in new)
    old = sorted(names[tag_id] for tag_id in own)
    events.event_record(
        ticket=target,
        kind=EventKind.FIELD_CHANGED,
        actor=actor,
        field="tags",
        old=", ".join(old),
        new=", ".join(sorted(old + carried.tags)),
        data={"merged_from": source.pk},
        at=now,
    )


def _problem(*, source: Ticket, target: Ticket, actor: User, carried: Carried, now: datetime) -> None:
    """The target takes the duplicate's problem unless it has another one (kept, and named in the note);
    the duplicate leaves it either way. Sets the fields: the merge saves both tickets."""
    if source.problem_id is None:
        return
    problems = {p.pk: p for p in Problem.objects.filter(pk__in=[source.problem_id, target.problem_id or 0])}
    theirs = problems[source.problem_id]
    if target.problem_id is None:
        target.problem = carried.problem_taken = theirs
        events.event_record(
            ticket=target,
            kind=EventKind.PROBLEM_LINKED,
            actor=actor,
            field="problem",
            new=theirs.title,
            data={"problem": theirs.pk, "merged_from": source.pk},
            at=now,
        )
    elif target.problem_id != source.problem_id:
        carried.problem_apart, carried.target_problem = theirs, problems[target.problem_id]
    source.problem = None
    events.event_record(
        ticket=source,
        kind=EventKind.PROBLEM_UNLINKED,
        actor=actor,
        field="problem",
        old=theirs.title,
        data={"problem": theirs.pk, "merged_into": target.pk},
        at=now,
    )


def _linked_records(*, source: Ticket, target: Ticket, carried: Carried) -> None:
    """Sales opportunities, product-feedback links and article uses move; a feedback link or an article
    use the target already has is dropped (counted once). Five statements whatever the counts."""
    carried.opportunities = Opportunity.objects.filter(ticket_id=source.pk).update(ticket_id=target.pk)
    backed = FeedbackLink.objects.filter(ticket_id=target.pk).values("item_id")
    links = FeedbackLink.objects.filter(ticket_id=source.pk)
    carried.feedback_links = links.exclude(item_id__in=backed).update(ticket_id=target.pk)
    links.delete()  # what is left: items the target backs already
    used = ArticleUsage.objects.filter(ticket_id=target.pk, article_id=OuterRef("article_id"), mode=OuterRef("mode"))
    usages = ArticleUsage.objects.filter(ticket_id=source.pk)
    carried.article_usages = usages.exclude(Exists(used)).update(ticket_id=target.pk)
    usages.delete()


def merge_records_carry(*, source: Ticket, target: Ticket, actor: User, now: datetime) -> Carried:
    """Carry the duplicate's records to the target (see the module's docstring); both are locked."""
    carried = Carried()
    _time(source=source, target=target, carried=carried)
    _tags(source=source, target=target, actor=actor, carried=carried, now=now)
    _problem(source=source, target=target, actor=actor, carried=carried, now=now)
    _linked_records(source=source, target=target, carried=carried)
    return carried
