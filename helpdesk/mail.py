"""Every mail is written here in its reader's language: one decision of who reads which language and
time zone (`recipient_locale`), one renderer that activates them (`mail_render`).

The outbox worker and the account mails both render through `mail_render`, so a Celery worker, which
has no request and no active language, writes each mail in its recipient's language, never in the
language the worker happens to run in.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

# Right-to-left mark. A plain-text mail has no markup to say its direction, and clients take each
# paragraph's direction from its first strong letter: the Persian greeting "%(name)s عزیز، سلام،"
# would open left to right for a Latin name. One mark at the start makes the first paragraph
# right to left; the others start with Persian words anyway, and the URL lines stay left to right
# as they should (a mark on every line would put the slash of a URL on the wrong side). A mail that
# opens with text in the other language (an agent's English reply to a Persian reader) keeps the
# direction of that text: its first paragraph has Latin letters and no right-to-left one.
RLM = "\u200f"
_RTL_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _opens_left_to_right(text: str) -> bool:
    """True when the first paragraph of `text` is written left to right (Latin, no Arabic script)."""
    first = next((part for part in text.strip().split("\n\n") if part.strip()), "")
    return bool(_LATIN_LETTER.search(first)) and not _RTL_LETTER.search(first)


def _known_language(code: str | None) -> str:
    return code if code and code in dict(settings.LANGUAGES) else ""


def _known_time_zone(name: str | None) -> str:
    if not name:
        return ""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    return name


def recipient_locale(*, user: Any = None, contact: Any = None, fallback: str = "") -> dict[str, str]:
    """The language and time zone mail to this person is written in, as {"language", "time_zone"}.

    The person's own choice (the login's profile or language switcher) wins; else the contact's
    (set by an agent, followed from the login, or guessed from their first email); else `fallback`
    (e.g. the language of the page they are on); else the site default. `contact` is a
    customers.Contact (duck-typed: customers sits above helpdesk); its login is looked at too.
    """
    if user is None and contact is not None and contact.user_id:
        user = contact.user
    people = [person for person in (user, contact) if person is not None]
    language = next(
        (code for code in (*(_known_language(p.language) for p in people), _known_language(fallback)) if code),
        settings.LANGUAGE_CODE,
    )
    time_zone = next((zone for zone in (_known_time_zone(p.time_zone) for p in people) if zone), "")
    return {"language": language, "time_zone": time_zone}


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    language: str

    def email(
        self, *, to: str, subject: str | None = None, headers: dict[str, str] | None = None, from_email: str = ""
    ) -> EmailMultiAlternatives:
        """An EmailMultiAlternatives (text + HTML) carrying the language in `Content-Language`, from
        `from_email` (else DEFAULT_FROM_EMAIL)."""
        mail = EmailMultiAlternatives(
            subject=self.subject if subject is None else subject, body=self.text, to=[to], from_email=from_email or None
        )
        mail.attach_alternative(self.html, "text/html")
        mail.extra_headers.update({"Content-Language": self.language, **(headers or {})})
        return mail


def mail_render(*, template: str, language: str, time_zone: str = "", context: dict[str, Any]) -> RenderedMail:
    """Render emails/<template>.{subject.txt,txt,html} in `language` and `time_zone` (else the site's).

    Templates get `language`, `rtl`, `dir` and `align` (the start side) for the layout;
    the subject comes out on one line; a right-to-left plain text starts with RLM
    unless it opens with a left-to-right paragraph (see above).
    """
    language = _known_language(language) or settings.LANGUAGE_CODE
    zone = _known_time_zone(time_zone)
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone) if zone else None):
        rtl = translation.get_language_bidi()
        data = {
            "site_url": settings.SITE_URL.rstrip("/"),
            **context,
            "language": language,
            "rtl": rtl,
            "dir": "rtl" if rtl else "ltr",
            "align": "right" if rtl else "left",
        }
        subject = " ".join(render_to_string(f"emails/{template}.subject.txt", data).split())
        text = render_to_string(f"emails/{template}.txt", data)
        html = render_to_string(f"emails/{template}.html", data)
    if rtl and not text.startswith(RLM) and not _opens_left_to_right(text):
        text = RLM + text
    return RenderedMail(subject=subject, text=text, html=html, language=language)
