"""Container health checks (standard library only, so a check costs no Django start-up).

    python docker/healthcheck.py web    # /healthz answers 200
    python docker/healthcheck.py beat   # the beat schedule file was written recently

The web check asks gunicorn on this container's port with the site's first allowed host name, and
says it came over HTTPS (believed only with HELPDESK_BEHIND_PROXY=1, as compose.yaml sets), so
neither ALLOWED_HOSTS nor the HTTPS redirect turns the answer into a 400 or a 301. A worker is checked
with `celery inspect ping` (compose.yaml).
"""

import http.client
import os
import sys
import time
from pathlib import Path

BEAT_STALE_SECONDS = 10 * 60  # beat writes its schedule file at least every 3 minutes


def web_headers(environ) -> dict[str, str]:
    host = (environ.get("DJANGO_ALLOWED_HOSTS") or "localhost").split(",")[0].strip() or "localhost"
    host = "localhost" if host == "*" else host.lstrip(".")  # a pattern, not a name: any name it matches
    return {"Host": host, "X-Forwarded-Proto": "https"}


def web() -> bool:
    port = int(os.environ.get("HELPDESK_BIND", "0.0.0.0:8000").rpartition(":")[2])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=8)
    try:
        connection.request("GET", "/healthz", headers=web_headers(os.environ))
        response = connection.getresponse()
        print(response.status, response.read(500).decode(errors="replace"))
        return response.status == 200
    except OSError as error:
        print(f"no answer: {error}")
        return False
    finally:
        connection.close()


def beat() -> bool:
    var = Path(os.environ.get("HELPDESK_VAR_DIR", "/var/lib/helpdesk"))
    files = list(var.glob("celerybeat-schedule*"))
    newest = max((f.stat().st_mtime for f in files), default=0.0)
    age = time.time() - newest
    print(f"beat schedule written {age:.0f} s ago" if files else "no beat schedule file yet")
    return age < BEAT_STALE_SECONDS


if __name__ == "__main__":
    checks = {"web": web, "beat": beat}
    if len(sys.argv) != 2 or sys.argv[1] not in checks:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(checks)}")
    sys.exit(0 if checks[sys.argv[1]]() else 1)
