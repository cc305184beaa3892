"""The container files for self-hosters (Dockerfile, compose.yaml, compose.env.example, .dockerignore).

No container engine runs here, so no image is built and no container started: compose.yaml is read as
`docker compose config` would (tests/ops/compose.py: YAML merges, interpolation, the Compose
specification's validation) and checked against README's production set-up, the Dockerfile is linted
with hadolint and checked for its stages, user and health check, and the health-check script runs
against real HTTP servers on loopback and the site's own production settings."""

import http.server
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.test import Client, override_settings

from tests.ops.compose import InterpolationError, config, read_env_file

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Read by the process manager's commands (Procfile, the Dockerfile's CMD, compose.yaml), not by settings.py,
# or by compose itself (POSTGRES_PASSWORD, HELPDESK_PORT), or by Python.
NOT_SETTINGS = {
    "POSTGRES_PASSWORD",
    "HELPDESK_PORT",
    "WEB_CONCURRENCY",
    "CELERY_CONCURRENCY",
    "HELPDESK_BIND",
    "PATH",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "PIP_NO_CACHE_DIR",
    "PIP_DISABLE_PIP_VERSION_CHECK",
}


@pytest.fixture(scope="module")
def project():
    return config(ROOT / "compose.yaml", read_env_file(ROOT / "compose.env.example"))


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def _settings_variables() -> set[str]:
    source = "".join(p.read_text() for p in (ROOT / "helpdesk").glob("settings*.py"))
    return set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z0-9_]+)\"", source))


def test_compose_file_is_valid_and_needs_the_database_password(project, tmp_path):
    assert set(project["services"]) == {"postgres", "redis", *APP_SERVICES}
    with pytest.raises(InterpolationError, match="POSTGRES_PASSWORD"):
        config(ROOT / "compose.yaml", {})
    broken = tmp_path / "compose.yaml"
    broken.write_text((ROOT / "compose.yaml").read_text().replace("service_healthy", "service_ready", 1))
    with pytest.raises(ValueError, match="service_ready"):
        config(broken, read_env_file(ROOT / "compose.env.example"))


def test_docker_compose_config_accepts_the_file_where_compose_is_installed(tmp_path):
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("Docker Compose is not installed here (the docker CLI without its compose plugin)")
    shutil.copy(ROOT / "compose.env.example", tmp_path / ".env")
    result = subprocess.run(
        [docker, "compose", "-f", str(ROOT / "compose.yaml"), "--env-file", str(tmp_path / ".env"), "config", "-q"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_services_match_the_production_set_up(project):
    services = project["services"]
    assert services["postgres"]["image"] == "postgres:15" and services["redis"]["image"] == "redis:7"
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy"
        assert services[name]["restart"] == "unless-stopped"
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    # The Procfile's processes: gunicorn (the image's CMD), one worker command, exactly one beat.
    assert "celery -A helpdesk worker" in " ".join(services["worker"]["command"])
    assert services["beat"]["command"][:4] == ["celery", "-A", "helpdesk", "beat"]
    assert "deploy" not in services["beat"]
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]  # plain HTTP only for the proxy on this host


def test_app_services_run_as_the_image_user_and_share_attachments_and_var(project):
    runtime = _dockerfile().split("AS runtime")[1]
    media_root = re.search(r"HELPDESK_MEDIA_ROOT=(\S+)", runtime).group(1)
    var_dir = re.search(r"HELPDESK_VAR_DIR=(\S+)", runtime).group(1)
    for name in APP_SERVICES:
        service = project["services"][name]
        assert service["user"] == "10001:10001"
        assert f"helpdesk-media:{media_root}" in service["volumes"]
        assert f"helpdesk-var:{var_dir}" in service["volumes"]
        assert service["environment"]["HELPDESK_BEHIND_PROXY"] == "1"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://helpdesk:")
        assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert set(project["volumes"]) == {"postgres-data", "helpdesk-var", "helpdesk-media"}


def test_every_variable_the_container_files_set_is_a_setting():
    named = set(read_env_file(ROOT / "compose.env.example"))
    named |= set(re.findall(r"^\s+([A-Z][A-Z0-9_]+):", (ROOT / "compose.yaml").read_text(), re.M))
    named |= set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", _dockerfile()))
    named -= {"POSTGRES_DB", "POSTGRES_USER"}  # the postgres image's own
    unknown = named - _settings_variables() - NOT_SETTINGS
    assert unknown == set()
    procfile = (ROOT / "Procfile").read_text()
    assert {"WEB_CONCURRENCY", "CELERY_CONCURRENCY", "HELPDESK_BIND"} <= set(re.findall(r"\$\{(\w+)", procfile))
    documented = (ROOT / ".env.example").read_text()
    assert {name for name in named - NOT_SETTINGS if name not in documented} == set()


def test_dockerfile_builds_in_stages_and_runs_as_a_user_with_a_health_check():
    dockerfile = _dockerfile()
    stages = re.findall(r"^FROM (\S+) AS (\w+)$", dockerfile, re.M)
    assert stages == [("python:3.11-slim-bookworm", "build"), ("python:3.11-slim-bookworm", "runtime")]
    build, runtime = dockerfile.split("AS runtime")
    assert "pip wheel --wheel-dir /wheels -r requirements.txt" in build
    assert "manage.py compilemessages" in build and "manage.py collectstatic" in build
    assert "requirements-dev" not in dockerfile and "gettext" not in runtime
    assert "postgresql-client" in runtime  # manage.py backup and restore
    users = re.findall(r"^USER (\S+)$", runtime, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r'^HEALTHCHECK .*\n\s+CMD \["python", "docker/healthcheck.py", "web"\]', runtime, re.M)
    assert "gunicorn helpdesk.wsgi" in runtime.splitlines()[-1]
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "var", "tests", "requirements-dev.txt", ".git"} <= set(ignored)


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    try:
        result = subprocess.run([hadolint or "hadolint", "--version"], capture_output=True, text=True, timeout=60)
    except OSError as error:
        pytest.skip(f"hadolint cannot run here: {error}")
    assert "Haskell Dockerfile Linter" in result.stdout
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    bad = subprocess.run([hadolint, "-"], input="FROM python\nRUN cd /tmp\n", capture_output=True, text=True)
    assert bad.returncode != 0 and "DL3006" in bad.stdout  # the linter does find problems


# --- the health-check script ---------------------------------------------------------------------


def _healthcheck_module():
    spec = importlib.util.spec_from_file_location("docker_healthcheck", ROOT / "docker" / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_healthcheck(check: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "docker" / "healthcheck.py"), check],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False), (301, False)])
def test_web_health_check_asks_healthz_as_the_proxy_would(status, healthy):
    seen = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.update(path=self.path, host=self.headers["Host"], proto=self.headers["X-Forwarded-Proto"])
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b'{"status": "ok"}')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {"HELPDESK_BIND": f"0.0.0.0:{server.server_port}", "DJANGO_ALLOWED_HOSTS": "helpdesk.example.com,x"}
        result = _run_healthcheck("web", env)
    finally:
        server.shutdown()
        server.server_close()
    assert (result.returncode == 0) is healthy, result.stdout
    assert seen == {"path": "/healthz", "host": "helpdesk.example.com", "proto": "https"}


def test_web_health_check_fails_when_nothing_listens():
    with __import__("socket").socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert _run_healthcheck("web", {"HELPDESK_BIND": f"0.0.0.0:{port}"}).returncode == 1


@pytest.mark.django_db
def test_the_health_check_request_passes_the_sites_production_host_and_https_rules():
    headers = _healthcheck_module().web_headers({"DJANGO_ALLOWED_HOSTS": "helpdesk.example.com"})
    production = {
        "ALLOWED_HOSTS": ["helpdesk.example.com"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "DEBUG": False,
    }
    with override_settings(**production):
        client = Client()
        response = client.get(
            "/healthz", HTTP_HOST=headers["Host"], HTTP_X_FORWARDED_PROTO=headers["X-Forwarded-Proto"]
        )
        assert response.status_code in (200, 503)  # 503 only when this test's broker is not running
        assert response.json()["checks"]["database"] == "ok"
        assert client.get("/healthz", HTTP_HOST=headers["Host"]).status_code == 301  # why the header is sent
        assert client.get("/healthz", HTTP_X_FORWARDED_PROTO="https").status_code == 400  # and the host


def test_beat_health_check_wants_a_recently_written_schedule(tmp_path):
    assert _run_healthcheck("beat", {"HELPDESK_VAR_DIR": str(tmp_path)}).returncode == 1
    schedule = tmp_path / "celerybeat-schedule"
    schedule.write_bytes(b"")
    assert _run_healthcheck("beat", {"HELPDESK_VAR_DIR": str(tmp_path)}).returncode == 0
    old = time.time() - 3600
    os.utime(schedule, (old, old))
    assert _run_healthcheck("beat", {"HELPDESK_VAR_DIR": str(tmp_path)}).returncode == 1
