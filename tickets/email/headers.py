"""Tolerant decoding of header values: RFC 2047 words, addresses, MIME parameters, ids, dates.

Every function takes the raw header string as the byte parser left it (8-bit bytes kept as
``surrogateescape`` surrogates) and never raises: real mail breaks every rule here. Encoded words
are read in tickets.email.encoded_words and addresses in tickets.email.addresses; both are
re-exported here, so callers import every header reader from this module.
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime
from urllib.parse import unquote_to_bytes

from tickets.email.addresses import Address, has_usable_email, is_valid_address, parse_address, parse_address_list
from tickets.email.charsets import decode_bytes, decode_surrogates
from tickets.email.encoded_words import decode_header_value, normalize_space, unfold

# --- MIME parameters (Content-Type, Content-Disposition) ------------------------------------

_PARAM = re.compile(
    r"""\s*;?\s*
        (?P<name>[^\s=;"]+)\s*=\s*
        (?P<value>"(?:[^"\\]|\\.)*"?|[^;]*)""",
    re.VERBOSE | re.DOTALL,
)


def _decode_2231(value: str, fallbacks: tuple[str, ...]) -> str:
    parts = value.split("'", 2)
    if len(parts) == 3:
        charset, _, encoded = parts
    else:
        charset, encoded = "", value
    data = unquote_to_bytes(encoded.encode("ascii", errors="surrogateescape"))
    return decode_bytes(data, charset or None, fallbacks=fallbacks)


def parse_params(value: str | None, *, fallbacks: tuple[str, ...] = ()) -> tuple[str, dict[str, str]]:
    """Split ``type/sub; a=1; b*0*=...`` into the lower-cased main value and decoded params.

    Handles RFC 2231 continuations and charsets, quoted strings, encoded words inside quotes
    and raw 8-bit bytes. The first occurrence of a parameter wins.
    """
    if not value:
        return "", {}
    value = unfold(value)
    main, sep, rest = value.partition(";")
    main_value = main.strip().strip('"').lower()
    # "application/pdf name=x.pdf": a missing semicolon must not lose the type or the name.
    salvage = re.match(r"([a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+)\s+(\S.*)$", main_value)
    if salvage and "=" in salvage.group(2):
        main_value = salvage.group(1)
        rest = main.strip()[salvage.start(2) :] + ";" + rest
        sep = ";"
    if not sep:
        return main_value, {}
    simple: dict[str, str] = {}
    extended: dict[str, dict[int, tuple[bool, str]]] = {}
    for match in _PARAM.finditer(rest):
        name = match.group("name").lower()
        raw = match.group("value").strip()
        quoted = raw.startswith('"')
        if quoted:
            raw = raw[1:-1] if raw.endswith('"') and len(raw) > 1 else raw[1:]
            raw = re.sub(r"\\(.)", r"\1", raw)
        star = re.fullmatch(r"(.+?)\*(\d+)?(\*)?", name)
        if star:
            base, index, encoded = star.group(1), star.group(2), bool(star.group(3))
            if index is None:
                encoded = True
            extended.setdefault(base, {}).setdefault(int(index or 0), (encoded, raw))
        else:
            simple.setdefault(name, raw)
    params: dict[str, str] = {}
    for base, sections in extended.items():
        ordered = [sections[i] for i in sorted(sections)]
        if ordered and ordered[0][0]:
            # Charset prefix only on the first section; later encoded sections are %XX too.
            first_parts = ordered[0][1].split("'", 2)
            charset = first_parts[0] if len(first_parts) == 3 else ""
            payload = bytearray()
            for index, (encoded, text) in enumerate(ordered):
                if index == 0 and len(first_parts) == 3:
                    text = first_parts[2]
                raw_bytes = text.encode("ascii", errors="surrogateescape")
                payload += unquote_to_bytes(raw_bytes) if encoded else raw_bytes
            params[base] = decode_bytes(bytes(payload), charset or None, fallbacks=fallbacks)
        else:
            params[base] = decode_header_value("".join(text for _, text in ordered), fallbacks=fallbacks)
    for name, raw in simple.items():
        if name not in params:
            params[name] = decode_header_value(raw, fallbacks=fallbacks)
    return main_value, params


# --- message ids and dates -------------------------------------------------------------------

_MSGID = re.compile(r"<([^<>]*)>")


def normalize_message_id(*, value: str | None) -> str | None:
    """``<abc@host>`` -> ``abc@host``: angle brackets, whitespace and folding removed.

    The id is otherwise kept exactly (case included): ids are opaque and some generators do
    use case, so lower-casing even the domain could merge two different threads.
    """
    if not value:
        return None
    value = decode_surrogates(unfold(value), fallbacks=())
    match = _MSGID.search(value)
    inner = match.group(1) if match else value
    inner = re.sub(r"\s+", "", inner).strip("<>")
    return inner or None


def parse_message_ids(value: str | None) -> list[str]:
    """All ids in a References/In-Reply-To value, in order, without duplicates."""
    if not value:
        return []
    value = unfold(value)
    found = _MSGID.findall(value)
    if not found:
        found = value.split()
    ids: list[str] = []
    for item in found:
        normalized = normalize_message_id(value=f"<{item}>")
        if normalized and normalized not in ids:
            ids.append(normalized)
    return ids


def parse_date(value: str | None) -> dt.datetime | None:
    """An aware datetime, UTC when the zone is missing or ``-0000``; None when unreadable."""
    if not value:
        return None
    text = normalize_space(decode_surrogates(unfold(value)))
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


__all__ = [
    "Address",
    "decode_header_value",
    "has_usable_email",
    "is_valid_address",
    "normalize_message_id",
    "normalize_space",
    "parse_address",
    "parse_address_list",
    "parse_date",
    "parse_message_ids",
    "parse_params",
    "unfold",
]
