"""Mailboxes in From, To, Cc, Reply-To and Sender: RFC 5322 first, a lenient reading when that fails.

Never raises; an address written inside a display name never counts as the address.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from email.errors import InvalidHeaderDefect
from email.headerregistry import AddressHeader

from tickets.email.charsets import decode_surrogates
from tickets.email.encoded_words import _encoded_words, decode_header_value, unfold


@dataclass(frozen=True)
class Address:
    """One mailbox as written: ``email`` is kept as found (no punycode or quote clean-up)."""

    email: str
    name: str = ""


# --- addresses ------------------------------------------------------------------------------


def _split_top_level(value: str, separators: str) -> list[str]:
    """Split on separators that are outside quotes, comments, angle brackets and encoded
    words (a comma inside ``=?iso-8859-1?Q?Smith,_John?=`` does not end an address)."""
    parts: list[str] = []
    current: list[str] = []
    depth_comment = 0
    in_quote = False
    in_angle = False
    escaped = False
    word_ends = {word.start: word.end for word in _encoded_words(value)}
    index = 0
    while index < len(value):
        ch = value[index]
        if index in word_ends and not escaped:
            current.append(value[index : word_ends[index]])
            index = word_ends[index]
            continue
        index += 1
        if escaped:
            current.append(ch)
            escaped = False
            continue
        if ch == "\\" and (in_quote or depth_comment):
            current.append(ch)
            escaped = True
            continue
        if in_quote:
            in_quote = ch != '"'
        elif depth_comment:
            depth_comment += {"(": 1, ")": -1}.get(ch, 0)
        elif ch == '"':
            in_quote = True
        elif ch == "(":
            depth_comment = 1
        elif ch == "<":
            in_angle = True
        elif ch == ">":
            in_angle = False
        elif ch in separators and not in_angle:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _take_comments(value: str) -> tuple[str, list[str]]:
    """Remove (possibly nested) comments outside quoted strings; return the rest and them."""
    out: list[str] = []
    comments: list[str] = []
    buf: list[str] = []
    depth = 0
    in_quote = False
    escaped = False
    for ch in value:
        if depth:
            if escaped:
                escaped = False
                buf.append(ch)
            elif ch == "\\":
                escaped = True
            elif ch == "(":
                depth += 1
                buf.append(ch)
            elif ch == ")":
                depth -= 1
                if depth:
                    buf.append(ch)
                else:
                    comments.append("".join(buf))
                    buf = []
                    out.append(" ")
            else:
                buf.append(ch)
            continue
        if escaped:
            escaped = False
        elif ch == "\\" and in_quote:
            escaped = True
        elif ch == '"':
            in_quote = not in_quote
        elif ch == "(" and not in_quote:
            depth = 1
            continue
        out.append(ch)
    if buf:
        comments.append("".join(buf))
    return "".join(out), comments


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = re.sub(r"\\(.)", r"\1", text[1:-1])
    elif len(text) >= 2 and text[0] == text[-1] == "'":
        text = text[1:-1]
    return text


def _decode_phrase(raw: str, fallbacks: tuple[str, ...]) -> str:
    """A display name: quotes removed, encoded words decoded (also inside the quotes, as
    clients write them), whitespace normalised."""
    text = raw.strip()
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = _unquote(text)
    else:
        text = re.sub(r'"((?:[^"\\]|\\.)*)"', lambda m: re.sub(r"\\(.)", r"\1", m.group(1)), text)
    decoded = decode_header_value(text, fallbacks=fallbacks)
    decoded = _unquote(re.sub(r"[ \t\r\n]+", " ", decoded).strip())
    return unicodedata.normalize("NFC", decoded)


def _decode_local_part(addr: str, fallbacks: tuple[str, ...]) -> str:
    """Decode encoded words some senders put inside an address, but only in the local part
    and only when the result cannot change where the address points."""
    addr = decode_surrogates(addr, fallbacks=fallbacks)
    if "=?" not in addr:
        return addr
    local, at, domain = addr.rpartition("@")
    if not at:
        return addr
    decoded = decode_header_value(local, fallbacks=fallbacks)
    if re.search(r"[@<>\s,;\x00-\x1f]", decoded):
        return addr
    return f"{decoded}@{domain}"


def parse_address(value: str | None, *, fallbacks: tuple[str, ...] = ()) -> Address | None:
    """The first mailbox in a header value, read as leniently as real mail needs.

    ``Name <addr>``, ``addr (Name)``, bare ``addr``, a bare word (taken as the name), unquoted
    spaces in the address and encoded words in the local part are all accepted.
    """
    addresses = parse_address_list(value, fallbacks=fallbacks)
    return addresses[0] if addresses else None


def _angle_start(text: str) -> int:
    """Where the ``<addr>`` of ``Name <addr>`` starts: the first ``<`` outside quoted strings
    (a ``<`` inside ``"Name <x@y>"`` is part of the name); -1 when there is none."""
    in_quote = escaped = False
    for index, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\" and in_quote:
            escaped = True
        elif ch == '"':
            in_quote = not in_quote
        elif ch == "<" and not in_quote:
            return index
    # An unterminated quote: the last bracket is the best guess.
    return text.rfind("<") if in_quote else -1


def _parse_one(chunk: str, fallbacks: tuple[str, ...]) -> Address | None:
    text, comments = _take_comments(chunk)
    text = text.strip()
    comment_name = next((c.strip() for c in comments if c.strip()), "")
    angle = _angle_start(text)
    if angle >= 0:
        name_raw, rest = text[:angle], text[angle + 1 :]
        addr, _, _ = rest.partition(">")
        addr = addr.strip()
        name = _decode_phrase(name_raw, fallbacks) or _decode_phrase(comment_name, fallbacks)
        if addr.lower().startswith("mailto:"):
            addr = addr[7:]
        # A route ("@a,@b:user@host") carries nothing a reply needs.
        if addr.startswith("@") and ":" in addr:
            addr = addr.split(":", 1)[1]
        return Address(email=_decode_local_part(addr, fallbacks), name=name) if addr or name else None
    if not text:
        name = _decode_phrase(comment_name, fallbacks)
        return Address(email="", name=name) if name else None
    if "@" in text or not re.search(r"\s", text) and "=?" not in text and comment_name:
        # A stray bracket ("x"@example.com>) is not part of the address.
        addr = text.strip("<> \t")
        return Address(email=_decode_local_part(addr, fallbacks), name=_decode_phrase(comment_name, fallbacks))
    # No address at all: a bare word or phrase is what the sender is called.
    return Address(email="", name=_decode_phrase(text, fallbacks))


def parse_address_list(value: str | None, *, fallbacks: tuple[str, ...] = ()) -> list[Address]:
    """All mailboxes in a From/To/Cc style header; group syntax (``Team: a, b;``) is flattened.

    Read as RFC 5322 by the standard library's header parser first; only a value that parser
    reports as invalid is read by the lenient splitter, which real mail needs (unquoted spaces,
    bare words, ``mailto:``). Either way a display name never carries another address.
    """
    if not value:
        return []
    value = unfold(value)
    # The stdlib parser slows down quadratically on huge lists; those get the lenient splitter.
    addresses = _parse_rfc5322(value, fallbacks) if len(value) <= _RFC5322_MAX_CHARS else None
    if addresses is None:
        addresses = _parse_lenient(value, fallbacks)
    return [replace(address, name=_name_without_addresses(address.name, address.email)) for address in addresses]


_RFC5322_MAX_CHARS = 10_000
_HIDDEN_WORD = "\ue001"  # brackets the index of an encoded word hidden from the RFC 5322 parser


def _parse_rfc5322(value: str, fallbacks: tuple[str, ...]) -> list[Address] | None:
    """The mailboxes as the stdlib header registry's RFC 5322 parser reads them; None when it
    finds the value invalid or a mailbox without an address.

    Encoded words are hidden from the parser (replaced by a placeholder atom) so that they are
    decoded by the tolerant decoder here, mislabelled charsets included.
    """
    words: list[str] = []
    text = decode_surrogates(value, fallbacks=fallbacks)
    pieces: list[str] = []
    pos = 0
    for word in _encoded_words(text):
        pieces.append(text[pos : word.start])
        pieces.append(f"{_HIDDEN_WORD}{len(words)}{_HIDDEN_WORD}")
        words.append(text[word.start : word.end])
        pos = word.end
    pieces.append(text[pos:])
    hidden = "".join(pieces)

    def restore(part: str) -> str:
        return re.sub(rf"{_HIDDEN_WORD}(\d+){_HIDDEN_WORD}", lambda m: words[int(m.group(1))], part)

    try:
        tree = AddressHeader.value_parser(hidden)
        defects = tree.all_defects
        mailboxes = tree.all_mailboxes
    except Exception:  # noqa: BLE001 - the stdlib parser has its own bugs on hostile input
        return None
    if any(isinstance(defect, InvalidHeaderDefect) for defect in defects):
        return None
    result: list[Address] = []
    for mailbox in mailboxes:
        if not mailbox.local_part or not mailbox.domain:
            return None
        name = restore(mailbox.display_name or "")
        if not name.strip():
            name = next((restore(c) for c in mailbox.comments if c.strip()), "")
        email = _decode_local_part(restore(mailbox.addr_spec), fallbacks)
        result.append(Address(email=email, name=_decode_name(name, fallbacks)))
    return result


def _decode_name(text: str, fallbacks: tuple[str, ...]) -> str:
    decoded = decode_header_value(text, fallbacks=fallbacks)
    decoded = _unquote(re.sub(r"[ \t\r\n]+", " ", decoded).strip())
    return unicodedata.normalize("NFC", decoded)


def _parse_lenient(value: str, fallbacks: tuple[str, ...]) -> list[Address]:
    result: list[Address] = []
    for chunk in _split_top_level(value, ",;"):
        chunk = chunk.strip()
        if not chunk:
            continue
        # "Group: first@x" -> drop the group name (but not the colon of a quoted name).
        group = re.match(r'^[^"<>@(]*?:(?!:)\s*(.*)$', chunk)
        if group and "=?" not in chunk[: group.start(1)]:
            chunk = group.group(1).strip()
            if not chunk:
                continue
        address = _parse_one(chunk, fallbacks)
        if address is not None:
            result.append(address)
    return result


# Anything shaped like an address, also with the look-alike at signs a spoofer would use. It
# starts only where a word starts and its runs are possessive, so a long name stays linear.
_ADDRESS_CHARS = r"[^\s<>()\[\]\"',;:@\uff20\ufe6b]"
_ADDRESS_LIKE = re.compile(rf"(?<!{_ADDRESS_CHARS}){_ADDRESS_CHARS}++[@\uff20\ufe6b]{_ADDRESS_CHARS}++")


def _name_without_addresses(name: str, email: str) -> str:
    """The display name with every address other than the mailbox's own taken out.

    ``"customer@example.com <customer@example.com>" <attacker@evil.example>`` must not look
    like mail from customer@example.com anywhere (contact name, agent view); what is left of
    the name after removing the addresses is kept.
    """
    own = email.strip().lower()
    if not name or not any(found.lower().rstrip(".") != own for found in _ADDRESS_LIKE.findall(name)):
        return name
    cleaned = _ADDRESS_LIKE.sub(" ", name)
    cleaned = re.sub(r"<\s*>|\(\s*\)|\[\s*\]|\"\s*\"|'\s*'", " ", cleaned)
    return " ".join(cleaned.split()).strip(" ,;:-<>()[]\"'")


def has_usable_email(address: Address | None) -> bool:
    return bool(address and address.email and address.email.strip("<>\"' "))


_ATOM = r"[^\s@\"(),.:;<>\[\\\]]+"
_ADDR_SPEC = re.compile(rf'^(?:{_ATOM}(?:\.{_ATOM})*|"(?:[^"\\]|\\.)*")@(?:{_ATOM}(?:\.{_ATOM})+|\[[^\[\]\s]+\])$')


def is_valid_address(email: str) -> bool:
    """``local@domain`` as RFC 5322 (and RFC 6532 for UTF-8) allows it, with a dotted domain:
    the kind of address a reply can be sent to."""
    return bool(_ADDR_SPEC.match(email or ""))
