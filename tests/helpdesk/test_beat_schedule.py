"""The beat schedule names only tasks that exist (a typo there would fail silently, every night)."""

from helpdesk.celery import app


def test_every_scheduled_job_is_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "tickets.tasks.purge_webhook_deliveries" in scheduled
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
