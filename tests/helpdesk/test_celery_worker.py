import pytest
from django.db import transaction

from helpdesk import tasks
from helpdesk.models import WorkerHeartbeat
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker]


def test_task_enqueued_after_commit_runs_on_a_real_worker(celery_worker):
    with transaction.atomic():
        tasks.worker_heartbeat.delay_on_commit(name="after-commit")
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="after-commit").exists())


def test_task_enqueued_in_a_rolled_back_transaction_never_runs(celery_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.worker_heartbeat.delay_on_commit(name="rolled-back")
        raise RuntimeError("abort")
    with transaction.atomic():
        tasks.worker_heartbeat.delay_on_commit(name="sentinel")
    # The worker takes tasks in order on one queue: once the sentinel ran, the other would have too.
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="sentinel").exists())
    assert not WorkerHeartbeat.objects.filter(name="rolled-back").exists()
