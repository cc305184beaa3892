import pytest


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_and_names_the_broker_when_it_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "broker": "unavailable"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_file_broker_folder_is_missing(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone")}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unavailable"


@pytest.mark.django_db
def test_healthz_says_degraded_once_the_workers_heartbeat_stopped(client):
    from datetime import timedelta

    from django.utils import timezone

    from helpdesk.models import WorkerHeartbeat

    heartbeat = WorkerHeartbeat.objects.create(name="beat", seen_at=timezone.now() - timedelta(minutes=1))
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and "worker" not in body["degraded"]
    WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(seen_at=timezone.now() - timedelta(minutes=6))
    response = client.get("/healthz")
    assert response.status_code == 200  # pages work; mail and SLA checks wait for a worker
    body = response.json()
    assert body["status"] == "degraded" and body["degraded"]["worker"] == "stale"
