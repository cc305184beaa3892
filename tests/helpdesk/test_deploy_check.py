import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_check_is_clean_with_production_variables(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "helpdesk.example.com",
            "HELPDESK_HSTS_SUBDOMAINS": "1",
            "HELPDESK_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_a_secret_key_production_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))}
    env.update({"DJANGO_DEBUG": "0", "HELPDESK_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
