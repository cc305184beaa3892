"""The second database alias exists only while IMPORT_DATABASE_URL is set."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

SHOW = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(sorted(settings.DATABASES)))"


def aliases(**env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k != "IMPORT_DATABASE_URL"}
    environment |= {"DJANGO_SETTINGS_MODULE": "helpdesk.settings", "DJANGO_DEBUG": "1", **env}
    done = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_import_alias_is_configured_only_from_its_variable():
    assert aliases() == ["default"]
    assert aliases(IMPORT_DATABASE_URL="postgres://reader@old-host:5432/old_helpdesk") == ["default", "helpdesk_source"]
