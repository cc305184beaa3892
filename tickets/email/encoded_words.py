"""Header text as people wrote it: unfolding and RFC 2047 encoded words, in whatever charset they name.

Takes the raw header string as the byte parser left it (8-bit bytes kept as ``surrogateescape``
surrogates) and never raises: real mail breaks every rule here.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from tickets.email.charsets import decode_bytes, decode_surrogates

# The start of an RFC 2047 word; its end is the next "?=" (found with str.find, so a header full
# of unterminated "=?x?q?" stays linear, and a word of any length is still read).
_ENCODED_WORD_START = re.compile(r"=\?([^?\s]{1,40})\?([bBqQ])\?")
_FOLD = re.compile(r"\r?\n(?=[ \t])|\r?\n")


def unfold(value: str) -> str:
    """Remove header folding (the line break, not the whitespace that follows it)."""
    return _FOLD.sub("", value)


@dataclass(frozen=True)
class _EncodedWord:
    start: int
    end: int
    charset: str
    encoding: str  # "b" or "q"
    text: str


def _encoded_words(value: str) -> list[_EncodedWord]:
    """Every RFC 2047 word in ``value``, in order, without overlap."""
    words: list[_EncodedWord] = []
    pos = 0
    while match := _ENCODED_WORD_START.search(value, pos):
        end = value.find("?=", match.end())
        if end < 0:
            break
        newline = value.find("\n", match.end(), end)
        if newline >= 0:  # a word never spans lines
            pos = newline
            continue
        words.append(
            _EncodedWord(
                start=match.start(),
                end=end + 2,
                charset=match.group(1).split("*", 1)[0],
                encoding=match.group(2).lower(),
                text=value[match.end() : end],
            )
        )
        pos = end + 2
    return words


def _decode_b(text: str) -> bytes:
    cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned)
    except (binascii.Error, ValueError):
        # A single dangling character (len % 4 == 1) cannot be decoded; drop it.
        try:
            return base64.b64decode(cleaned[: len(cleaned) // 4 * 4])
        except (binascii.Error, ValueError):
            return b""


def _decode_q(text: str) -> bytes:
    raw = text.replace("_", " ").encode("utf-8", errors="surrogateescape")
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes((int(m.group(1), 16),)), raw)


@dataclass
class _Run:
    """Adjacent encoded words in one charset: their bytes are decoded together, so a character
    split across two words survives; base64 text that some encoders split in the middle of a
    4-character group is carried over to the next word."""

    charset: str
    data: bytes = b""
    carry: str = ""

    def add(self, word: _EncodedWord) -> None:
        if word.encoding == "q":
            self.flush_carry()
            self.data += _decode_q(word.text)
            return
        text = self.carry + re.sub(r"[^A-Za-z0-9+/=]", "", word.text)
        if "=" in text or len(text) % 4 == 0:
            self.data += _decode_b(text)
            self.carry = ""
        else:
            cut = len(text) // 4 * 4
            self.data += _decode_b(text[:cut])
            self.carry = text[cut:]

    def flush_carry(self) -> None:
        if self.carry:
            self.data += _decode_b(self.carry)
            self.carry = ""


def decode_header_value(value: str | None, *, fallbacks: tuple[str, ...] = ()) -> str:
    """Decode a raw header value: unfold, RFC 2047 encoded words (adjacent words joined without
    the whitespace between them, split multi-byte characters and base64 groups rejoined, words
    of any length), raw 8-bit bytes."""
    if not value:
        return ""
    value = unfold(value)
    pieces: list[str] = []
    runs: list[_Run] = []  # consecutive encoded words, by charset

    def flush() -> None:
        for run in runs:
            run.flush_carry()
            pieces.append(decode_bytes(run.data, run.charset, fallbacks=fallbacks))
        runs.clear()

    pos = 0
    for word in _encoded_words(value):
        gap = value[pos : word.start]
        if gap and (gap.strip() or not runs):
            flush()
            pieces.append(decode_surrogates(gap, fallbacks=fallbacks))
        if not runs or runs[-1].charset.lower() != word.charset.lower():
            runs.append(_Run(charset=word.charset))
        runs[-1].add(word)
        pos = word.end
    flush()
    pieces.append(decode_surrogates(value[pos:], fallbacks=fallbacks))
    return "".join(pieces).replace("\x00", "")


def normalize_space(text: str) -> str:
    return " ".join(text.split())
