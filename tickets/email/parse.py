"""Inbound mail, bytes in, a ``ParsedEmail`` out. Pure: no database, no settings, no I/O.

The stdlib ``email`` parser splits the MIME tree (see ``mime.parse_tree``); every header value
is then decoded here from its raw form, because real mail needs more tolerance than the
header registry gives (raw 8-bit headers, mislabelled charsets, addresses that are not
addr-specs).
``parse_message`` never raises on bad input except ``UnparseableEmail`` when nothing usable is
left, so the caller can quarantine the raw bytes.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field, replace
from email.message import Message
from urllib.parse import unquote

from tickets.email.charsets import decode_bytes
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
from tickets.email.html import html_declared_charset, html_to_text, sanitize_html, text_to_html, unmark
from tickets.email.loops import detect_auto_generated
from tickets.email.mime import (
    body_of,
    decode_transfer,
    extract_uuencoded,
    leaf_bytes,
    parse_tree,
    raw_children,
    raw_header,
    raw_header_all,
    repair_header_block,
    safe_filename,
    serialize,
    unflow,
)
from tickets.email.reply import visible_text_from_marked

__all__ = ["Attachment", "ParsedEmail", "UnparseableEmail", "parse_message", "safe_filename"]

_MAX_DEPTH = 40
_KNOWN_HEADERS = {
    "from", "to", "cc", "subject", "date", "message-id", "received", "return-path",
    "content-type", "mime-version", "reply-to", "sender", "delivered-to", "x-original-to",
    "in-reply-to", "references",
}  # fmt: skip
_MIME_BOILERPLATE = re.compile(r"(?is)\s*this\s+is\s+a\s+multi-?part\s+message\s+in\s+mime\s+format\.?\s*")
_CHARSET_IN_RAW = re.compile(
    rb"""charset\s*=\s*["']?([A-Za-z0-9_.:+-]+)|=\?([A-Za-z0-9_.:+-]+)(?:\*[A-Za-z-]+)?\?[BbQq]\?""",
    re.IGNORECASE,
)


class UnparseableEmail(ValueError):
    """Nothing usable could be read from the message; keep the raw bytes for a human."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Attachment:
    """A file carried by the message. ``filename`` is safe to store (no path, no control
    characters, never empty); ``original_filename`` is the decoded name as the sender wrote it
    ("" when there was none)."""

    filename: str
    original_filename: str
    content_type: str
    payload: bytes = field(repr=False)
    size: int
    content_id: str | None = None
    is_inline: bool = False


@dataclass(frozen=True)
class ParsedEmail:
    """Everything the email channel needs from one inbound message.

    ``headers`` holds every top-level header, decoded, in order (names as written); use
    ``header()`` / ``header_all()`` for case-insensitive lookups. ``text`` is always present
    (derived from HTML when that is all there is); ``html`` is sanitised with nh3 and None
    when the message has no HTML. ``visible_text`` is the new part of a reply.
    """

    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_email: str
    from_name: str
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    date: dt.datetime | None
    headers: tuple[tuple[str, str], ...]
    text: str
    html: str | None
    visible_text: str
    attachments: tuple[Attachment, ...]
    is_auto_generated: bool
    auto_generated_reason: str
    is_bounce: bool
    defects: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (any case), decoded; None when absent."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def header_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]


# --- the walk ---------------------------------------------------------------------------------


@dataclass
class _Segment:
    text: str
    html: str | None
    reply: str


@dataclass
class _Walk:
    data: bytes
    fallbacks: tuple[str, ...]
    attachments: list[Attachment] = field(default_factory=list)
    part_types: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def content_type(self, part: Message, default: str) -> tuple[str, dict[str, str]]:
        raw = raw_header(part, "content-type")
        ctype, params = parse_params(raw, fallbacks=self.fallbacks) if raw else ("", {})
        if not re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", ctype):
            if raw:
                self.defects.append(f"invalid Content-Type {ctype!r}")
            ctype = default
        return ctype, params

    def walk(
        self, part: Message, *, default_type: str = "text/plain", raw_chunk: bytes | None, depth: int
    ) -> list[_Segment]:
        ctype, params = self.content_type(part, default_type)
        self.part_types.append(ctype)
        children = part.get_payload() if part.is_multipart() else None
        if children is not None and not ctype.startswith("message/") and depth < _MAX_DEPTH:
            return self.walk_multipart(part, ctype, params, children, depth)
        return self.walk_leaf(part, ctype, params, raw_chunk)

    def walk_multipart(
        self, part: Message, ctype: str, params: dict[str, str], children: list[Message], depth: int
    ) -> list[_Segment]:
        subtype = ctype.split("/", 1)[1] if ctype.startswith("multipart/") else "mixed"
        boundary = part.get_boundary() if hasattr(part, "get_boundary") else None
        # message/* children are kept byte for byte, so find them in the raw message.
        chunks: list[bytes] | None = None
        if boundary and any("message/" in (raw_header(child, "content-type") or "").lower() for child in children):
            chunks = raw_children(self.data, boundary)
            if chunks is not None and len(chunks) != len(children):
                chunks = None
        default_child = "message/rfc822" if subtype == "digest" else "text/plain"
        results = [
            self.walk(
                child,
                default_type=default_child,
                raw_chunk=chunks[index] if chunks else None,
                depth=depth + 1,
            )
            for index, child in enumerate(children)
        ]
        segments: list[_Segment] = []
        later_types = [parse_params(value) for value in raw_header_all(part, "content-type")[1:]]
        textual = next((p for t, p in later_types if t.startswith("text/")), None)
        if textual is not None:
            # Two Content-Type headers: the stdlib believed the first (multipart) and put the
            # text the second one announced into the preamble. Keep that text.
            preamble = (part.preamble or "").strip()
            if preamble and not _MIME_BOILERPLATE.fullmatch(preamble):
                charset = textual.get("charset")
                text = decode_bytes(preamble.encode("utf-8", errors="surrogateescape"), charset)
                segments.append(_Segment(text=text, html=None, reply=text))
                self.defects.append("duplicate Content-Type; kept the preamble text")
        if subtype == "alternative":
            segments.extend(self.pick_alternative(results))
        else:
            for result in results:
                segments.extend(result)
        return segments

    @staticmethod
    def pick_alternative(results: list[list[_Segment]]) -> list[_Segment]:
        def has_text(segments: list[_Segment]) -> bool:
            return any(segment.text.strip() for segment in segments)

        plain = [r for r in results if r and has_text(r) and all(s.html is None for s in r)]
        textual = plain[0] if plain else next((r for r in reversed(results) if has_text(r)), None)
        rich = next((r for r in reversed(results) if any(s.html for s in r)), None)
        if textual is None and rich is None:
            return []
        text_source = textual if textual is not None else rich or []
        html = None
        if rich is not None:
            html = "\n".join(s.html if s.html is not None else text_to_html(s.text) for s in rich)
        return [
            _Segment(
                text="\n\n".join(s.text for s in text_source),
                html=html,
                reply="\n\n".join(s.reply for s in text_source),
            )
        ]

    def walk_leaf(self, part: Message, ctype: str, params: dict[str, str], raw_chunk: bytes | None) -> list[_Segment]:
        disposition_raw = raw_header(part, "content-disposition")
        disposition, dparams = parse_params(disposition_raw, fallbacks=self.fallbacks) if disposition_raw else ("", {})
        original = dparams.get("filename") or params.get("name") or ""
        original = unicodedata.normalize("NFC", original)
        encoding = raw_header(part, "content-transfer-encoding") or ""
        maintype = ctype.split("/", 1)[0]
        if maintype == "multipart":
            # Announced as multipart, but no boundary could be used: read it as text.
            self.defects.append(f"{ctype} without usable boundary")
            ctype = "text/plain"
        if ctype in ("text/plain", "text/html") and not original and disposition != "attachment":
            payload = decode_transfer(leaf_bytes(part), encoding)
            charset = params.get("charset")
            if ctype == "text/html":
                text = decode_bytes(payload, charset or html_declared_charset(payload), fallbacks=self.fallbacks)
                text = text.replace("\r\n", "\n").replace("\r", "\n")
                marked = html_to_text(text, markers=True)
                return [_Segment(text=unmark(marked), html=text, reply=marked)]
            text = decode_bytes(payload, charset, fallbacks=self.fallbacks).replace("\r\n", "\n").replace("\r", "\n")
            # Files uuencoded into the text (older mailers) become attachments; the text keeps
            # them as sent, the visible reply does not.
            reply, files = extract_uuencoded(text)
            for name, data in files:
                guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
                self.add_attachment(part, name, name, guessed, data, "attachment")
            if params.get("format", "").lower() == "flowed":
                delsp = params.get("delsp", "").lower() == "yes"
                text, reply = unflow(text, delsp=delsp), unflow(reply, delsp=delsp)
            return [_Segment(text=text, html=None, reply=reply)]
        if maintype == "message":
            payload = self.message_bytes(part, raw_chunk, encoding)
            if not original:
                if ctype == "message/rfc822":
                    original_default = "message.eml"
                elif ctype in ("message/delivery-status", "message/global-delivery-status"):
                    original_default = "delivery-status.txt"
                else:
                    original_default = ctype.split("/", 1)[1] + ".txt"
            else:
                original_default = original
            self.add_attachment(part, original, original_default, ctype, payload, disposition)
            return []
        payload = decode_transfer(leaf_bytes(part), encoding)
        if not payload and not original:
            return []
        self.add_attachment(part, original, original, ctype, payload, disposition)
        return []

    def message_bytes(self, part: Message, raw_chunk: bytes | None, encoding: str) -> bytes:
        if raw_chunk is not None:
            return decode_transfer(body_of(raw_chunk), encoding)
        payload = part.get_payload()
        if isinstance(payload, list):
            body = b"\n".join(serialize(item) for item in payload if isinstance(item, Message))
            return decode_transfer(body, encoding)
        return decode_transfer(leaf_bytes(part), encoding)

    def add_attachment(
        self, part: Message, original: str, name: str, ctype: str, payload: bytes, disposition: str
    ) -> None:
        content_id = normalize_message_id(value=raw_header(part, "content-id"))
        self.attachments.append(
            Attachment(
                filename=safe_filename(name=name, content_type=ctype),
                original_filename=original,
                content_type=ctype,
                payload=payload,
                size=len(payload),
                content_id=content_id,
                # Provisional: parse_message settles it once it knows which cids the HTML uses.
                is_inline=bool(content_id) and disposition != "attachment" and not ctype.startswith("message/"),
            )
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

    try:
        raw_headers = [
            (str(name), value if isinstance(value, str) else str(value)) for name, value in message.raw_items()
        ]
    except Exception:  # noqa: BLE001
        raw_headers = []
    known = {name.lower() for name, _ in raw_headers} & _KNOWN_HEADERS
    if not known and _looks_binary(raw):
        raise UnparseableEmail("no mail headers and no readable text")

    def first(name: str) -> str | None:
        return next((value for key, value in raw_headers if key.lower() == name), None)

    def every(name: str) -> list[str]:
        return [value for key, value in raw_headers if key.lower() == name]

    headers = tuple((name, decode_header_value(value, fallbacks=fallbacks)) for name, value in raw_headers)

    sender = _author(
        from_addresses=[a for value in every("from") for a in parse_address_list(value, fallbacks=fallbacks)],
        sender_addresses=[a for value in every("sender") for a in parse_address_list(value, fallbacks=fallbacks)],
        reply_to=[a for value in every("reply-to") for a in parse_address_list(value, fallbacks=fallbacks)],
        defects=defects,
    )

    subject = decode_header_value(first("subject"), fallbacks=fallbacks)
    subject = unicodedata.normalize("NFC", re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", subject).strip())

    walker = _Walk(data=data, fallbacks=fallbacks, defects=defects)
    try:
        segments = walker.walk(message, raw_chunk=None, depth=0)
    except RecursionError:
        defects.append("MIME structure too deep")
        segments = []

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

    if not known and not re.search(r"\w", text) and not walker.attachments:
        raise UnparseableEmail("no mail headers and no readable text")

    top_type = walker.part_types[0] if walker.part_types else "text/plain"
    top_params = parse_params(first("content-type"))[1] if first("content-type") else {}
    decoded_lookup = {name.lower(): value for name, value in reversed(headers)}
    detection = detect_auto_generated(
        get_header=decoded_lookup.get,
        content_type=top_type,
        report_type=top_params.get("report-type", ""),
        part_types=walker.part_types,
        from_email=sender.email,
        subject=subject,
    )

    in_reply_to = parse_message_ids(first("in-reply-to"))
    return ParsedEmail(
        message_id=normalize_message_id(value=first("message-id")),
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=tuple(i for value in every("references") for i in parse_message_ids(value)),
        subject=subject,
        from_email=sender.email,
        from_name=sender.name,
        to=tuple(a for value in every("to") for a in parse_address_list(value, fallbacks=fallbacks)),
        cc=tuple(a for value in every("cc") for a in parse_address_list(value, fallbacks=fallbacks)),
        reply_to=tuple(a for value in every("reply-to") for a in parse_address_list(value, fallbacks=fallbacks)),
        date=parse_date(first("date")),
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
