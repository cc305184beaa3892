"""The new part of a reply: quoted history, forwarded blocks and signatures removed.

Line-based and conservative. History is recognised by its markers (tickets.email.history: "On
<date>, <person> wrote:" in several languages, ">" quoting, Outlook "-----Original Message-----"
and "From:/Sent:" blocks, forward markers, HTML quote containers); signatures
(tickets.email.signature) by the "-- " delimiter, "Sent from my iPhone"-style lines and, only in a
message without quoted history, a closing block at the very end. When stripping would leave
nothing, the full text is kept.
"""

from __future__ import annotations

import re

from tickets.email.history import _strip_history
from tickets.email.html import html_to_text, strip_markers
from tickets.email.signature import _strip_closing_block, _strip_mobile_lines, _strip_signature, _trim

__all__ = ["extract_visible_text", "extract_visible_text_from_html"]


def _join(lines: list[str]) -> str:
    result = "\n".join(strip_markers(line).rstrip() for line in _trim(lines))
    return re.sub(r"\n{3,}", "\n\n", result).strip()


def _visible(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    without_history, found_history = _strip_history(lines)
    kept = _strip_signature(without_history)
    if not found_history:
        kept = _strip_closing_block(kept)
    kept = _strip_mobile_lines(kept)
    # Conservative: never return nothing when the sender wrote something.
    for candidate in (kept, without_history, lines):
        result = _join(candidate)
        if re.search(r"\w", result):
            return result
    return _join(lines)


def extract_visible_text(*, text: str) -> str:
    """The new part of a plain-text reply; the whole text when nothing else would remain."""
    if not text:
        return ""
    return _visible(text)


def extract_visible_text_from_html(*, html: str) -> str:
    """The new part of an HTML reply, as plain text (quote containers, blockquotes and
    <hr>-introduced header blocks removed)."""
    if not html:
        return ""
    return _visible(html_to_text(html, markers=True))


def visible_text_from_marked(text: str) -> str:
    """Same as ``extract_visible_text`` for text that may carry HTML quote markers."""
    return _visible(text) if text else ""
