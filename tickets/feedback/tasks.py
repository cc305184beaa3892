"""Thin Celery jobs of product feedback: take ids, re-check state, call tickets.feedback.notify."""

from celery import shared_task

from helpdesk.aftercommit import enqueue_now
from tickets.feedback import notify


@shared_task
def feedback_notify(item_id: int, actor_id: int, status: str) -> int:
    """Tell the customers behind an item its outcome, a batch at a time (the next batch is its own job)."""
    told, more = notify.feedback_notify_pending(item_id=item_id, actor_id=actor_id, status=status)
    if more:
        enqueue_now(feedback_notify, item_id, actor_id, status)
    return told
