"""A small JSON-over-HTTP client for the REST sources (Zammad, osTicket): timeouts, one clear error."""

import json
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urljoin
from urllib.request import Request, urlopen

from django.utils.translation import gettext as _

from tickets.imports.records import SourceError

TIMEOUT_SECONDS = 30


class HttpClient:
    def __init__(self, *, base_url: str, headers: dict[str, str]) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise SourceError(_("The URL must start with http:// or https://."))
        self.base_url = base_url.rstrip("/") + "/"
        self.headers = {"Accept": "application/json", "User-Agent": "helpdesk-import", **headers}

    def raw(self, path: str, params: dict | None = None) -> bytes:
        url = urljoin(self.base_url, path.lstrip("/"))
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        try:
            with urlopen(Request(url, headers=self.headers), timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return response.read()
        except HTTPError as exc:
            raise SourceError(_("%(url)s answered %(status)s.") % {"url": url, "status": exc.code}) from exc
        except (URLError, TimeoutError, OSError) as exc:
            raise SourceError(_("%(url)s cannot be reached: %(error)s") % {"url": url, "error": exc}) from exc

    def json(self, path: str, params: dict | None = None):
        body = self.raw(path, params)
        try:
            return json.loads(body)
        except ValueError as exc:
            raise SourceError(_("%(path)s did not answer JSON.") % {"path": path}) from exc
