"""A browser named for people ("Firefox 140 on Linux") from its User-Agent header, so a person can tell
their signed-in sessions apart; ua-parser's regular expressions (the community's list) read the header.

The header is what the browser sent: anything unknown is shown as sent, and nothing is trusted."""

from functools import lru_cache

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from helpdesk.dates import fill

UNKNOWN = "Other"  # ua-parser's family for a browser or system it does not know


@lru_cache(maxsize=1024)
def browser_parts(user_agent: str) -> tuple[str, int | None, str]:
    """(browser, its major version or None, operating system); "" for what the header does not tell.
    ua-parser is imported here, on the first session shown: it takes ~60 ms to import, which every process
    that loads the template tags would otherwise pay at its first page."""
    from ua_parser import parse

    found = parse(user_agent)
    browser = found.user_agent
    system = found.os.family if found.os and found.os.family != UNKNOWN else ""
    if browser is None or browser.family == UNKNOWN:
        return "", None, system
    major = int(browser.major) if browser.major and browser.major.isdigit() else None
    return browser.family, major, system


def browser_label(user_agent: str) -> SafeString:
    """ "Firefox 140 on Linux" in the reader's language (numbers and word order as its sentences have them),
    each name isolated for right-to-left pages; the header as sent when no browser is recognised."""
    if not user_agent:
        return mark_safe("—")
    browser, major, system = browser_parts(user_agent[:300])
    if not browser:
        return format_html("<bdi>{}</bdi>", user_agent[:80])
    params: dict = {"browser": format_html("<bdi>{}</bdi>", browser), "system": format_html("<bdi>{}</bdi>", system)}
    if major is not None:
        params["version"] = major
        text = _("%(browser)s %(version)s on %(system)s") if system else _("%(browser)s %(version)s")
    else:
        text = _("%(browser)s on %(system)s") if system else "%(browser)s"
    return mark_safe(fill(conditional_escape(text), params))  # noqa: S308 (text escaped, names format_html's)
