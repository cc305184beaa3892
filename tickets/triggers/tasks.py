"""The timed rules' beat task (helpdesk.celery: every minute). Thin: the sweep claims its own work."""

from celery import shared_task

from tickets.triggers.timed import timed_rules_sweep


@shared_task
def timed_rules_run() -> dict[str, int]:
    return timed_rules_sweep()
