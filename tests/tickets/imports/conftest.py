"""Shared by the import tests: a real HTTP server on loopback that answers recorded API answers, and
the storage of attachments in a temporary folder."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

RECORDED = Path(__file__).parent / "recorded"


class RecordedApi:
    """Serves `answers` (path with query -> JSON value, or bytes for a file); 404 otherwise. `fail_once`
    paths answer 500 the first time (a source that dies mid-run), `hold` paths wait for `release`.
    Records the requests and their headers."""

    def __init__(self, answers: dict[str, object]) -> None:
        self.answers = answers
        self.fail_once: set[str] = set()
        self.hold: set[str] = set()  # answered only once `release` is set (a source that hangs)
        self.release = threading.Event()
        self.requests: list[tuple[str, dict[str, str]]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
                api.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                path = self.path.lstrip("/")
                if path in api.hold:
                    api.release.wait(timeout=60)
                if path in api.fail_once:
                    api.fail_once.discard(path)
                    return self._send(500, b"{}", "application/json")
                answer = api.answers.get(path, api.answers.get(urlsplit(path).path))
                if answer is None:
                    return self._send(404, b'{"error": "not found"}', "application/json")
                if isinstance(answer, bytes):
                    return self._send(200, answer, "application/octet-stream")
                return self._send(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "RecordedApi":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
