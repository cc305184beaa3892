"""helpdesk.wsgi, as gunicorn loads it in each worker: every view is imported at load, and what loading
built is frozen out of the garbage collector's full collections (gc.freeze), which walked it all about
once every hundred requests."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys
import helpdesk.wsgi
print(json.dumps({"frozen": gc.get_freeze_count(), "views": "tickets.workspace.views" in sys.modules}))
"""


def test_loading_the_application_imports_the_views_and_freezes_what_it_built():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded["views"] is True
    assert loaded["frozen"] > 50_000  # the modules, classes and patterns of the whole project
