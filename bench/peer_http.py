"""HTTP for bench/peer.py: gunicorn started and stopped, and a signed-in browser-like client (a session
cookie got through the site's own login form, its CSRF token included) that times whole requests."""

import http.client
import re
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode


def gunicorn(command: list[str], *, port: int, cwd: Path, env: dict[str, str], probe: str) -> subprocess.Popen:
    """`command` + 2 sync workers on 127.0.0.1:`port`; returns once `probe` answers."""
    process = subprocess.Popen(
        [*command, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=cwd, env=env
    )
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", probe, headers={"Host": "localhost"})
            conn.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"gunicorn on port {port} did not start")


class Browser:
    """One signed-in agent against one server. Gunicorn's sync workers close the connection after each
    answer, so every request opens its own (as a browser's would be, one after the other)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, body: str | None = None, headers: dict | None = None):
        all_headers = {"Host": "localhost", "Accept-Language": "en", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request(method, url, body=body, headers=all_headers)
        response = conn.getresponse()
        content = response.read()
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def get(self, url: str) -> tuple[int, bytes]:
        status, _headers, content = self.request("GET", url)
        return status, content

    def sign_in(self, login_url: str, username: str, password: str) -> None:
        """GET the login form, POST it back with its CSRF token; a redirect and a session cookie = signed in."""
        status, page = self.get(login_url)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"{login_url}: {status}, no login form")
        form = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password})
        status, headers, content = self.request(
            "POST", login_url, form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{login_url}: sign-in refused ({status}) {content[:300]!r}")
