"""Inbound mail, bytes in, a ``ParsedEmail`` out. Pure: no database, no settings, no I/O.

The stdlib ``email`` parser splits the MIME tree (see ``mime.parse_tree``); every header value
is then decoded here from its raw form, because real mail needs more tolerance than the
header registry gives (raw 8-bit headers, mislabelled charsets, addresses that are not
addr-specs).
``parse_message`` never raises on bad input except ``UnparseableEmail`` when nothing usable is
left, so the caller can quarantine the raw bytes.
The results are the types in tickets.email.parsed (re-exported here); the MIME tree is read by
tickets.email.walk.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from email.message import Message
from urllib.parse import unquote

from tickets.email.headers import (
    Address,
    decode_header_value,
    has_usable_email,
    is_valid_address,
    normalize_message_id,
    parse_address_list,
    parse_date,
    parse_message_ids,
    parse_params,
)
from tickets.email.html import sanitize_html, text_to_html
from tickets.email.loops import detect_auto_generated
from tickets.email.mime import (
    parse_tree,
    repair_header_block,
    safe_filename,
)
from tickets.email.parsed import Attachment, ParsedEmail, UnparseableEmail
from tickets.email.reply import visible_text_from_marked
from tickets.email.walk import _Walk

__all__ = ["Attachment", "ParsedEmail", "UnparseableEmail", "parse_message", "safe_filename"]

_KNOWN_HEADERS = {
    "from", "to", "cc", "subject", "date", "message-id", "received", "return-path",
    "content-type", "mime-version", "reply-to", "sender", "delivered-to", "x-original-to",
    "in-reply-to", "references",
}  # fmt: skip

_CHARSET_IN_RAW = re.compile(
    rb"""charset\s*=\s*["']?([A-Za-z0-9_.:+-]+)|=\?([A-Za-z0-9_.:+-]+)(?:\*[A-Za-z-]+)?\?[BbQq]\?""",
    re.IGNORECASE,
)


# --- the entry point --------------------------------------------------------------------------


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls > len(sample) * 0.1 or b"\x00" in sample[:1024]


def _message_charsets(data: bytes) -> tuple[str, ...]:
    seen: list[str] = []
    for match in _CHARSET_IN_RAW.finditer(data):
        label = (match.group(1) or match.group(2)).decode("ascii", errors="ignore").lower()
        if label and label not in seen and label not in ("us-ascii", "utf-8", "utf8"):
            seen.append(label)
    # Multi-byte charsets first: a single-byte one would "decode" anything.
    return tuple(sorted(seen, key=lambda c: c.startswith(("iso-8859", "windows-", "cp125", "latin", "koi8"))))


def _author(
    *, from_addresses: list[Address], sender_addresses: list[Address], reply_to: list[Address], defects: list[str]
) -> Address:
    """Who wrote the message (the requester): the first valid From address, or of several From
    mailboxes the one Sender names (RFC 5322 3.6.2); an empty or broken one (``<>``, a bare
    word) is skipped. Without any usable From address: a name from From and the address a reply
    must go to (Reply-To, then Sender)."""
    usable = [a for a in from_addresses if has_usable_email(a)]
    if usable:
        sender = next((s.email.lower() for s in sender_addresses if has_usable_email(s)), None)
        named = next((a for a in usable if sender and a.email.lower() == sender), None) if len(usable) > 1 else None
        return named or next((a for a in usable if is_valid_address(a.email)), usable[0])
    name = next((a.name for a in from_addresses if a.name), "")
    fallback = next((a for a in (*reply_to, *sender_addresses) if has_usable_email(a)), None)
    if from_addresses or fallback:
        defects.append("no usable From address")
    return Address(email=fallback.email if fallback else "", name=name or (fallback.name if fallback else ""))


def _header_items(message: Message) -> list[tuple[str, str]]:
    """The message's headers as (name, raw value) pairs; none when the parser cannot list them."""
    try:
        return [(str(name), value if isinstance(value, str) else str(value)) for name, value in message.raw_items()]
    except Exception:  # noqa: BLE001
        return []


def _first(raw_headers: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in raw_headers if key.lower() == name), None)


def _every(raw_headers: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in raw_headers if key.lower() == name]


def _addresses(raw_headers: list[tuple[str, str]], name: str, fallbacks: tuple[str, ...]) -> tuple[Address, ...]:
    return tuple(a for value in _every(raw_headers, name) for a in parse_address_list(value, fallbacks=fallbacks))


def _subject(raw_headers: list[tuple[str, str]], fallbacks: tuple[str, ...]) -> str:
    subject = decode_header_value(_first(raw_headers, "subject"), fallbacks=fallbacks)
    return unicodedata.normalize("NFC", re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", subject).strip())


def _bodies(segments: list, walker: _Walk) -> tuple[str, str | None, str, list[Attachment]]:
    """The text, sanitized HTML, visible reply and attachments of the walked segments."""
    text = "\n\n".join(s.text for s in segments if s.text.strip()).lstrip("\n").rstrip()
    # An image the HTML shows through cid: is inline whatever its Content-Disposition says.
    referenced = {
        normalize_message_id(value=unquote(ref))
        for s in segments
        if s.html
        for ref in re.findall(r"""cid:([^"'\s>)]+)""", s.html, flags=re.IGNORECASE)
    }
    attachments = [
        replace(a, is_inline=True) if a.content_id and a.content_id in referenced else a for a in walker.attachments
    ]
    html_parts = [s.html if s.html is not None else text_to_html(s.text) for s in segments]
    html = sanitize_html("\n".join(html_parts)) if any(s.html is not None for s in segments) else None
    visible = visible_text_from_marked("\n\n".join(s.reply for s in segments if s.reply.strip()))
    return text, html, visible, attachments


def _detection(
    *,
    raw_headers: list[tuple[str, str]],
    headers: tuple[tuple[str, str], ...],
    walker: _Walk,
    sender: Address,
    subject: str,
):
    """Whether the mail is automatic (an auto-reply, a list, a bounce): never answered automatically."""
    top_type = walker.part_types[0] if walker.part_types else "text/plain"
    content_type = _first(raw_headers, "content-type")
    top_params = parse_params(content_type)[1] if content_type else {}
    decoded_lookup = {name.lower(): value for name, value in reversed(headers)}
    return detect_auto_generated(
        get_header=decoded_lookup.get,
        content_type=top_type,
        report_type=top_params.get("report-type", ""),
        part_types=walker.part_types,
        from_email=sender.email,
        subject=subject,
    )


def parse_message(*, raw: bytes) -> ParsedEmail:
    """Parse one raw RFC 5322 message; raises ``UnparseableEmail`` only when nothing usable
    (no headers and no readable text) is in it."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError("parse_message expects bytes")
    raw = bytes(raw)
    if not raw.strip():
        raise UnparseableEmail("empty message")
    defects: list[str] = []
    data = repair_header_block(raw, defects)
    message = parse_tree(data)
    fallbacks = _message_charsets(data)

    raw_headers = _header_items(message)
    known = {name.lower() for name, _ in raw_headers} & _KNOWN_HEADERS
    if not known and _looks_binary(raw):
        raise UnparseableEmail("no mail headers and no readable text")
    headers = tuple((name, decode_header_value(value, fallbacks=fallbacks)) for name, value in raw_headers)
    reply_to = _addresses(raw_headers, "reply-to", fallbacks)
    sender = _author(
        from_addresses=list(_addresses(raw_headers, "from", fallbacks)),
        sender_addresses=list(_addresses(raw_headers, "sender", fallbacks)),
        reply_to=list(reply_to),
        defects=defects,
    )
    subject = _subject(raw_headers, fallbacks)

    walker = _Walk(data=data, fallbacks=fallbacks, defects=defects)
    try:
        segments = walker.walk(message, raw_chunk=None, depth=0)
    except RecursionError:
        defects.append("MIME structure too deep")
        segments = []
    text, html, visible, attachments = _bodies(segments, walker)
    if not known and not re.search(r"\w", text) and not walker.attachments:
        raise UnparseableEmail("no mail headers and no readable text")
    detection = _detection(raw_headers=raw_headers, headers=headers, walker=walker, sender=sender, subject=subject)

    in_reply_to = parse_message_ids(_first(raw_headers, "in-reply-to"))
    return ParsedEmail(
        message_id=normalize_message_id(value=_first(raw_headers, "message-id")),
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=tuple(i for value in _every(raw_headers, "references") for i in parse_message_ids(value)),
        subject=subject,
        from_email=sender.email,
        from_name=sender.name,
        to=_addresses(raw_headers, "to", fallbacks),
        cc=_addresses(raw_headers, "cc", fallbacks),
        reply_to=reply_to,
        date=parse_date(_first(raw_headers, "date")),
        headers=headers,
        text=text,
        html=html,
        visible_text=visible,
        attachments=tuple(attachments),
        is_auto_generated=detection.is_auto_generated,
        auto_generated_reason=detection.reason,
        is_bounce=detection.is_bounce,
        defects=tuple(dict.fromkeys(defects)),
    )
