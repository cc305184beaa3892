"""The walk over a message's MIME tree: each text part decoded in its real charset, HTML kept beside
its text, attachments collected (inline or not), nested messages and odd structures tolerated.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import Message
from typing import cast

from tickets.email.charsets import decode_bytes
from tickets.email.headers import (
    normalize_message_id,
    parse_params,
)
from tickets.email.html import html_declared_charset, html_to_text, text_to_html, unmark
from tickets.email.mime import (
    body_of,
    decode_transfer,
    extract_uuencoded,
    leaf_bytes,
    raw_children,
    raw_header,
    raw_header_all,
    safe_filename,
    serialize,
    unflow,
)
from tickets.email.parsed import Attachment

_MAX_DEPTH = 40

_MIME_BOILERPLATE = re.compile(r"(?is)\s*this\s+is\s+a\s+multi-?part\s+message\s+in\s+mime\s+format\.?\s*")

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
        if isinstance(children, list) and not ctype.startswith("message/") and depth < _MAX_DEPTH:
            # A multipart payload is a list of Messages (typeshed types every payload alike).
            return self.walk_multipart(part, ctype, params, cast(list[Message], children), depth)
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
