"""MIME plumbing under ``parse_message``: header-block repairs, the stdlib tree, payload
bytes and transfer encodings, raw part bytes, format=flowed, safe file names."""

from __future__ import annotations

import base64
import binascii
import email.policy
import io
import mimetypes
import quopri
import re
import unicodedata
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser

from helpdesk.text import without_format_chars

__all__ = [
    "body_of",
    "decode_transfer",
    "extract_uuencoded",
    "leaf_bytes",
    "parse_tree",
    "raw_children",
    "raw_header",
    "raw_header_all",
    "repair_header_block",
    "safe_filename",
    "serialize",
    "unflow",
]

_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_SPACE_BEFORE_COLON = re.compile(rb"^([!-9;-~]+)[ \t]+:")
_WELL_KNOWN_LINE = re.compile(
    rb"^(?:from|to|cc|subject|date|message-id|mime-version|content-[a-z-]+|received|"
    rb"return-path|reply-to|sender|x-[!-9;-~]+)[ \t]*:",
    re.IGNORECASE,
)


# --- raw repairs before the stdlib parser sees the bytes ------------------------------------


def repair_header_block(raw: bytes, defects: list[str]) -> bytes:
    """Fix header blocks the stdlib parser would cut short: junk lines before the first
    header, ``Name :`` with a space before the colon, and unindented continuation lines."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    raw = raw.lstrip(b"\r\n\t ")
    lines = raw.split(b"\n")
    end = next((i for i, line in enumerate(lines) if not line.strip(b"\r")), len(lines))
    header = lines[:end]
    if header and not (_HEADER_LINE.match(header[0]) or header[0].startswith(b"From ")):
        for skip in range(1, min(6, len(header))):
            following = header[skip : skip + 3]
            if following and all(_HEADER_LINE.match(line) or line[:1] in b" \t" for line in following):
                defects.append(f"dropped {skip} junk line(s) before the headers")
                header = header[skip:]
                break
    repaired: list[bytes] = []
    for index, line in enumerate(header):
        fixed = _SPACE_BEFORE_COLON.sub(rb"\1:", line)
        if fixed != line:
            defects.append("header with whitespace before the colon")
        if index > 0 and _is_stray_continuation(header, index):
            defects.append("unindented header continuation line")
            fixed = b" " + fixed
        repaired.append(fixed)
    return b"\n".join(repaired + lines[end:])


def _is_stray_continuation(header: list[bytes], index: int) -> bool:
    """A line inside the header block that is neither a header nor indented: a folded header
    whose continuation lost its indentation. Either a short run of such lines that a header
    follows, or the last line or two of the block right after a line a mail system broke (a
    long line, an encoded word cut in two, an address or parameter list going on). A MIME
    boundary, or text before one, is never one."""
    line = header[index]
    if _HEADER_LINE.match(line) or line[:1] in b" \t" or line.startswith(b"--"):
        return False
    strays = 0
    for following in header[index + 1 : index + 8]:
        if following.startswith(b"--"):
            return False
        if _HEADER_LINE.match(following):
            return True
        if following[:1] not in b" \t":
            strays += 1
            if strays >= 3:
                return False
    # No header follows: only the end of the block, reached within a few lines, qualifies.
    return len(header) <= index + 8 and strays <= 1 and _continues_broken_line(header[index - 1], line)


_CONTINUED_HEADER = re.compile(
    rb"^(?:to|cc|bcc|from|reply-to|sender|references|in-reply-to|content-type|content-disposition|received|"
    rb"dkim-signature|subject)[ \t]*:",
    re.IGNORECASE,
)


def _continues_broken_line(previous: bytes, line: bytes) -> bool:
    previous = previous.rstrip(b"\r")
    stripped = line.strip()
    if not stripped or len(stripped) > 998:
        return False
    if stripped.startswith(b"=?") or previous.rstrip().endswith((b",", b";")):
        return True
    if len(previous) >= 60:  # broken at a line-length limit
        return True
    return bool(_CONTINUED_HEADER.match(previous)) and any(ch in stripped for ch in b"@<=;")


def parse_tree(data: bytes) -> Message:
    """The MIME tree as the stdlib feed parser splits it.

    ``compat32`` first: no header is ever read through the policy here (``parse_message``
    decodes raw values itself), and with it the parser is ten times faster on deeply enclosed
    mail and tolerates boundaries with illegal characters that ``policy.default`` rejects.
    """
    for policy in (email.policy.compat32, email.policy.default):
        try:
            return BytesParser(policy=policy).parsebytes(data)
        except Exception:  # noqa: BLE001, S112 - try the other policy
            continue
    message = Message()
    message.set_payload(data.decode("ascii", errors="surrogateescape"))
    return message


# --- header access on a part ------------------------------------------------------------------


def raw_header_all(part: Message, name: str) -> list[str]:
    wanted = name.lower()
    values = []
    try:
        items = part.raw_items()
    except Exception:  # noqa: BLE001
        return []
    for key, value in items:
        if str(key).lower() == wanted:
            values.append(value if isinstance(value, str) else str(value))
    return values


def raw_header(part: Message, name: str) -> str | None:
    values = raw_header_all(part, name)
    return values[0] if values else None


# --- payload decoding -------------------------------------------------------------------------


_B64_LINE = re.compile(rb"[A-Za-z0-9+/=]")


def _decode_base64(data: bytes) -> bytes:
    """Lenient base64: stray characters dropped, missing padding added, separately padded
    chunks decoded one by one. Decoding stops at the first line that is not base64 (an
    unrecognised closing boundary, an epilogue); text that was never base64 but labelled so
    is returned as it is."""
    encoded = bytearray()
    seen_text = False
    for line in data.splitlines():
        line = line.strip()
        if not line:
            continue
        valid = len(_B64_LINE.findall(line))
        if b" " in line or b"\t" in line or valid * 10 < len(line) * 9:
            seen_text = True
            break
        encoded += line
    if not encoded and seen_text:
        return data
    cleaned = re.sub(rb"[^A-Za-z0-9+/=]", b"", bytes(encoded))
    out = bytearray()
    for chunk in re.findall(rb"[A-Za-z0-9+/]+=*", cleaned):
        body = chunk.rstrip(b"=")
        body = body[: len(body) - (len(body) % 4 == 1)]
        try:
            out += base64.b64decode(body + b"=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            continue
    return bytes(out)


def _decode_uu(data: bytes) -> bytes:
    out = bytearray()
    inside = False
    for line in data.splitlines():
        if not inside:
            inside = line.startswith(b"begin ")
            continue
        if line.strip() in (b"end", b"`"):
            if line.strip() == b"end":
                break
            continue
        if not line:
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            length = (((line[0] - 32) & 63) * 4 + 5) // 3
            try:
                out += binascii.a2b_uu(line[:length])
            except binascii.Error:
                continue
    return bytes(out) if inside else data


_UU_BEGIN = re.compile(r"^begin [0-7]{3,4} (\S.*?)\s*$")
_UU_LINE = re.compile(r"^[\x20-\x60]+$")


def extract_uuencoded(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Files uuencoded into a plain-text body (``begin 644 name`` ... ``end``), as older mailers
    attach them: the text without those blocks, and (file name, bytes) for each block. A block
    with a line that is not uuencode is left in the text."""
    if "begin " not in text:
        return text, []
    lines = text.split("\n")
    kept: list[str] = []
    files: list[tuple[str, bytes]] = []
    index = 0
    while index < len(lines):
        begin = _UU_BEGIN.match(lines[index].rstrip("\r"))
        end = None
        if begin:
            end = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == "end"), None)
        if begin and end is not None:
            body = [line.rstrip("\r") for line in lines[index + 1 : end] if line.strip()]
            if body and all(_UU_LINE.match(line) for line in body):
                data = _decode_uu("\n".join(lines[index : end + 1]).encode("ascii"))
                files.append((begin.group(1), data))
                index = end + 1
                continue
        kept.append(lines[index])
        index += 1
    return "\n".join(kept), files


def decode_transfer(data: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().strip("\"'").lower()
    try:
        if encoding == "base64":
            return _decode_base64(data)
        if encoding in ("quoted-printable", "quoted_printable", "qp"):
            return quopri.decodestring(data)
        if encoding in ("x-uuencode", "uuencode", "x-uue", "uue"):
            return _decode_uu(data)
    except Exception:  # noqa: BLE001 - undecodable transfer encoding: keep the bytes as sent
        return data
    return data


def leaf_bytes(part: Message) -> bytes:
    """The payload of a non-container part exactly as sent (still transfer-encoded).

    ``get_payload()`` would already decode 8-bit bytes with the declared charset (replacing
    what does not fit); the charset detection here needs the original bytes, which the byte
    parser keeps as surrogate escapes in ``_payload``.
    """
    payload = getattr(part, "_payload", None)
    if isinstance(payload, str):
        return payload.encode("utf-8", errors="surrogateescape")
    if isinstance(payload, bytes):
        return payload
    return b""


def serialize(message: Message) -> bytes:
    buffer = io.BytesIO()
    try:
        BytesGenerator(buffer, mangle_from_=False, maxheaderlen=0, policy=email.policy.compat32).flatten(message)
    except Exception:  # noqa: BLE001
        return b""
    return buffer.getvalue()


def raw_children(data: bytes, boundary: str) -> list[bytes] | None:
    """The raw bytes of each child of a multipart with ``boundary``, exactly as sent."""
    try:
        marker = boundary.encode("ascii", errors="surrogateescape")
    except UnicodeEncodeError:
        return None
    delimiter = re.compile(rb"^--" + re.escape(marker) + rb"(--)?[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
    matches = list(delimiter.finditer(data))
    children = []
    for index, match in enumerate(matches):
        if match.group(1):
            break
        end = matches[index + 1].start() if index + 1 < len(matches) else len(data)
        chunk = data[match.end() : end]
        if index + 1 < len(matches):
            chunk = chunk[:-2] if chunk.endswith(b"\r\n") else chunk[:-1] if chunk.endswith(b"\n") else chunk
        children.append(chunk)
    return children


def body_of(chunk: bytes) -> bytes:
    if chunk.startswith((b"\r\n", b"\n")):
        return chunk[2:] if chunk.startswith(b"\r\n") else chunk[1:]
    match = re.search(rb"\r?\n\r?\n", chunk)
    return chunk[match.end() :] if match else b""


def unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676 format=flowed: join soft-broken lines (a trailing space marks the break)."""
    out: list[str] = []
    paragraph: list[str] = []
    paragraph_quote = 0

    def flush() -> None:
        if paragraph:
            prefix = ">" * paragraph_quote + (" " if paragraph_quote else "")
            out.append(prefix + "".join(paragraph))
            paragraph.clear()

    for line in text.split("\n"):
        quote = len(line) - len(line.lstrip(">"))
        content = line[quote:]
        if content.startswith(" "):  # space-stuffing
            content = content[1:]
        if paragraph and quote != paragraph_quote:
            flush()
        paragraph_quote = quote
        soft = content.endswith(" ") and content != "-- "
        paragraph.append(content[:-1] if soft and delsp else content)
        if not soft:
            flush()
    flush()
    return "\n".join(out)


# --- file names -------------------------------------------------------------------------------

_MAX_NAME_BYTES = 200  # file systems allow 255 bytes; leave room for a de-duplicating suffix
_WINDOWS_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?$", re.IGNORECASE)


def safe_filename(*, name: str, content_type: str = "application/octet-stream") -> str:
    """A name safe to store: no directories, no control, reserved or bidi-override characters,
    no leading dots, at most 200 UTF-8 bytes (extension kept), never empty."""
    name = without_format_chars(unicodedata.normalize("NFC", name or ""))
    name = name.replace("\x00", "")
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*\u202a-\u202e\u2066-\u2069]", "_", name)
    name = name.strip(". \t")
    if _WINDOWS_RESERVED.match(name):
        name = f"_{name}"
    if len(name.encode()) > _MAX_NAME_BYTES:
        stem, dot, ext = name.rpartition(".")
        if not dot or len(ext.encode()) > 16:
            stem, ext = name, ""
        suffix = f".{ext}" if ext else ""
        while stem and len((stem + suffix).encode()) > _MAX_NAME_BYTES:
            stem = stem[:-1]
        name = stem + suffix
    if not name:
        extension = mimetypes.guess_extension(content_type) or ".bin"
        name = f"attachment{extension}"
    return name
