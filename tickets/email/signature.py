"""Signatures at the end of a reply: the "-- " delimiter, "Sent from my iPhone"-style lines and,
only in a message without quoted history, a closing block with a name and contact details.
"""

from __future__ import annotations

import re

from tickets.email.history import _RULE, _is_blank
from tickets.email.html import strip_markers

_MOBILE_SIGNATURE = re.compile(
    r"^\s*(?:sent\s+from\s+my\s+[\w-]+(?:\s+[\w-]+){0,3}|"
    r"sent\s+from\s+(?:mail|outlook|yahoo\s+mail|aol\s+mail|samsung\s+mobile|my\s+mobile)[\w\s]{0,30}|"
    r"sent\s+(?:via|with|using)\s+(?:sparrow|spark|blackberry|newton|bluemail|airmail|proton\s*mail|"
    r"the\s+\w+\s+app|my\s+\w+)(?:\s+\w+){0,2}|get\s+outlook\s+for\s+\w+|"
    r"von\s+meinem\s+\w+(?:\s+\w+){0,2}\s+gesendet|gesendet\s+von\s+meinem\s+\w+(?:\s+\w+){0,2}|"
    r"envoyé\s+de\s+mon\s+\w+(?:\s+\w+){0,2}|enviado\s+desde\s+mi\s+\w+(?:\s+\w+){0,2}|"
    r"inviato\s+da\s+(?:iphone|ipad|android|\w+\s+\w+)|verzonden\s+(?:vanaf|met)\s+(?:mijn\s+)?\w+|"
    r"отправлено\s+с\s+\w+(?:\s+\w+){0,2}|ارسال\s+شده\s+از\s+\S+(?:\s+\S+){0,2}|"
    r"(?:sent\s+)?via\s+(?:mobile|iphone|android|blackberry))[.!]?\s*$",
    re.IGNORECASE,
)
_CLOSING_PHRASES = sorted(
    [
        r"thanks", r"thank\s+you", r"thanks\s+again", r"many\s+thanks", r"thx", r"cheers", r"regards",
        r"best", r"best\s+regards", r"kind\s+regards", r"warm\s+regards", r"warmly", r"sincerely",
        r"yours", r"yours\s+sincerely", r"yours\s+truly", r"respectfully", r"all\s+the\s+best",
        r"mit\s+freundlichen\s+grüßen", r"viele\s+grüße", r"beste\s+grüße", r"liebe\s+grüße",
        r"gruß", r"grüße", r"mfg", r"lg", r"cordialement", r"bien\s+à\s+vous", r"saludos",
        r"atentamente", r"un\s+saludo", r"با\s+تشکر", r"با\s+سپاس", r"با\s+احترام", r"سپاس",
        r"سپاسگزارم", r"ممنون", r"متشکرم", r"ارادتمند",
    ],
    key=len,
    reverse=True,  # longest first, so "best regards" wins over "best"
)  # fmt: skip
_CLOSING = re.compile(
    rf"^\s*(?:{'|'.join(_CLOSING_PHRASES)})\s*[,.!،]?"
    # An optional name on the same line (checked for capitals in _closing_name_cased).
    r"(?P<name>(?:\s+(?:[A-Z\u00c0-\u00de][\w.'-]*|[^\x00-\u024f\s]\S*)){0,3})\s*[,.!]?\s*$",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_PHONE = re.compile(r"(?:\+|\(?\d)[\d\s().-]{6,}\d")
_CONTACT_WORD = re.compile(r"^\s*(?:tel|phone|mobile|mob|fax|cell|m|t|f)\s*[.:]|^\s*via\s+mobile\s*$", re.I)


def _strip_signature(lines: list[str]) -> list[str]:
    """Cut at the first "-- " delimiter line (also "--", and dashes some clients send)."""
    for index, line in enumerate(lines):
        if index > 0 and (line.rstrip("\r\n") in ("-- ", "--") or line.strip() in ("--", "\u2014", "\u2013")):
            return lines[:index]
    return lines


def _trim(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and (_is_blank(lines[start]) or strip_markers(lines[start]).strip() == ""):
        start += 1
    while end > start and (
        _is_blank(lines[end - 1]) or _RULE.match(lines[end - 1]) or not strip_markers(lines[end - 1]).strip()
    ):
        end -= 1
    return lines[start:end]


def _strip_mobile_lines(lines: list[str]) -> list[str]:
    """Drop "Sent from my iPhone"-style lines at the end of the new text."""
    lines = _trim(lines)
    while len(lines) > 1 and _MOBILE_SIGNATURE.match(lines[-1]):
        lines = _trim(lines[:-1])
    return lines


def _name_like(line: str) -> bool:
    """A short line that could be a name ("John E. Doe, Ph.D.", "Stavros X", "علی رضایی")."""
    text = line.strip()
    if not text or len(text) > 40 or re.search(r"[\d@:;?!]", text):
        return False
    words = text.split()
    # A final full stop only after an abbreviation ("Ph.D.", "Jr."), not after a sentence.
    if text.endswith(".") and len(words[-1]) > 5:
        return False
    return len(words) <= 4


def _is_contact(line: str) -> bool:
    return bool(_EMAIL.search(line) or _URL.search(line) or _PHONE.search(line) or _CONTACT_WORD.match(line))


def _closing_name_cased(line: str) -> bool:
    """The closing regex matches case-insensitively; the name after it must still start with
    a capital (or be in a caseless script): "Best price is 5" is not "Best, Alex"."""
    match = _CLOSING.match(line)
    name = match.group("name") if match else ""
    return all(word[0].isupper() or not word[0].isascii() or not word[0].isalpha() for word in name.split())


def _strip_closing_block(lines: list[str]) -> list[str]:
    """Drop a final paragraph that is a sign-off or a name-and-contact block."""
    lines = _trim(lines)
    last_blank = max((i for i, line in enumerate(lines) if _is_blank(line)), default=-1)
    if last_blank <= 0:
        return lines
    block = [line for line in lines[last_blank + 1 :]]
    if not block or len(block) > 8 or any(len(line.strip()) > 60 for line in block):
        return lines
    contacts = sum(1 for line in block if _is_contact(line))
    closing = (
        bool(_CLOSING.match(block[0]))
        and _closing_name_cased(block[0])
        and len(block) <= 4
        and all(_name_like(line) for line in block[1:])
    )
    contact_block = contacts >= 1 and _name_like(block[0])
    if closing or contact_block:
        return lines[:last_blank]
    return lines
