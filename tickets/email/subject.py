"""Subject helpers for threading: the ticket tag and the subject without reply prefixes."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_subject", "extract_ticket_id"]

# "[#123]", "[# 123]", "[Ticket #123]", "[Ticket#123]", "[تیکت #123]"; Persian or Arabic
# digits count too (some clients localise digits).
_TICKET_TAG = re.compile(
    r"\[\s*(?:(?:ticket|tiket|تیکت|درخواست|request)\s*)?#\s*(\d{1,12})\s*\]",
    re.IGNORECASE,
)

# Reply/forward prefixes in the languages our customers write in, plus counters such as
# "Re[2]:" and "Re^3:". Full-width and Arabic colons count.
_PREFIX = re.compile(
    r"^\s*(?:re|aw|antw|antwort|sv|vs|vl|odp|ynt|ref|réf|rif|fw|fwd|wg|tr|enc|rv|"
    r"رد|پاسخ|جواب|ارسال\s+مجدد|بازارسال|هدایت|转发|回复|答复|轉寄|回覆)"
    r"\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:：؛]\s*",
    re.IGNORECASE,
)


def extract_ticket_id(*, subject: str | None) -> int | None:
    """The ticket number in a subject tag such as ``[#123]`` or ``[Ticket #123]``, wherever
    clients or other helpdesks moved it; None when there is no tag."""
    if not subject:
        return None
    match = _TICKET_TAG.search(unicodedata.normalize("NFKC", subject))
    if not match:
        return None
    number = int(match.group(1))
    return number if number > 0 else None


def clean_subject(*, subject: str | None) -> str:
    """The subject without reply/forward prefixes (any number, any order) and ticket tags."""
    if not subject:
        return ""
    text = " ".join(subject.split())
    text = _TICKET_TAG.sub(" ", text)
    previous = None
    while previous != text:
        previous = text
        text = _PREFIX.sub("", text).strip()
        text = re.sub(r"^\s*\[\s*\]\s*", "", text)
    return " ".join(text.split())
