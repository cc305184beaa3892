"""Turning bytes of unknown or mislabelled charset into text, without ever raising.

Mail clients lie about charsets all the time: Persian mail declared as us-ascii or iso-8859-1
is really UTF-8 or windows-1256, GB2312 labels carry GBK text, ISO-2022-JP labels carry
Shift_JIS bytes. The rule here is: try what was declared (through a table of supersets), then
UTF-8, then the legacy charsets mail really uses, picked by how plausible their reading is
(``_plausibility``), and only then decode with replacement characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# Labels that are subsets of, or commonly used for, a wider Python codec. Decoding with the
# superset never loses text that the subset could decode.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "iso-8859-8-i": "iso8859-8",
    "iso-8859-6-i": "iso8859-6",
    "iso-8859-6-e": "iso8859-6",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
    # Browsers (WHATWG) read these labels as windows-1252; so do the clients that mislabel.
    "us-ascii": "ascii",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
}

# Codecs that decode (nearly) every byte sequence, so "it decoded" says nothing about whether
# the label was right.
_PERMISSIVE = {
    "cp1252",
    "latin-1",
    "iso8859-1",
    "iso8859-2",
    "iso8859-9",
    "iso8859-15",
    "cp1250",
    "cp1251",
    "cp1254",
    "cp1256",
    "koi8-r",
    "koi8-u",
    "mac-roman",
}

# Western labels whose reading is checked for the shape of misread Arabic script.
_NOT_CHARSETS = {"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "mbcs", "oem"}

_WESTERN = {"ascii", "cp1252", "latin-1", "iso8859-1", "iso8859-15"}

_ISO2022_JP_ESCAPE = re.compile(rb"\x1b([$(])([@AB]|J|I)")


def lookup_codec(label: str | None) -> str | None:
    """The Python codec name for a MIME charset label, or None when unknown or absent."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").lower()
    if not cleaned or not cleaned.isascii() or cleaned in {"default", "unknown", "unknown-8bit", "x-unknown", "8bit"}:
        return None
    cleaned = _SUPERSETS.get(cleaned, cleaned)
    # "cp-1251", "windows1256", "utf8" and similar near-miss spellings.
    candidates = [cleaned, cleaned.replace("cp-", "cp"), re.sub(r"^windows-?", "cp", cleaned)]
    for candidate in candidates:
        try:
            info = codecs.lookup(candidate)
        except (LookupError, ValueError, UnicodeError):
            continue
        # Only real text encodings; "undefined", escape codecs and the like are not charsets.
        if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
            return None
        return _SUPERSETS.get(info.name, info.name)
    return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError, TypeError):
        return None


def _iso2022jp_via_cp932(data: bytes) -> str | None:
    """Decode ISO-2022-JP that uses vendor (NEC/IBM) characters such as ①, which Python's
    strict codec refuses, by transcoding the JIS X 0208 runs to Shift_JIS and reading cp932."""
    out = bytearray()
    mode = "ascii"
    i = 0
    while i < len(data):
        match = _ISO2022_JP_ESCAPE.match(data, i)
        if match:
            mode = "jis" if match.group(1) == b"$" else "ascii"
            if match.group(2) == b"I":
                mode = "kana"
            i = match.end()
            continue
        byte = data[i]
        if mode == "jis" and byte not in (0x0A, 0x0D):
            if i + 1 >= len(data):
                return None
            j1, j2 = byte, data[i + 1]
            if not (0x21 <= j1 <= 0x7E and 0x21 <= j2 <= 0x7E):
                return None
            s1 = (j1 + 1) // 2 + (0x70 if j1 <= 0x5E else 0xB0)
            s2 = j2 + (0x1F if j1 % 2 else 0x7E)
            if j1 % 2 and s2 >= 0x7F:
                s2 += 1
            out += bytes((s1, s2))
            i += 2
            continue
        if mode == "kana" and 0x21 <= byte <= 0x5F:
            out.append(byte + 0x80)
        elif byte >= 0x80:
            return None
        else:
            out.append(byte)
        i += 1
    return _strict(bytes(out), "cp932")


def _looks_misread(text: str) -> bool:
    """True when a Latin reading is dense with accented letters and C1 controls: the shape of
    Arabic-script (or other non-Latin) text decoded with a Latin label."""
    high = sum(1 for ch in text if "\x80" <= ch <= "\xff" or ch in "ŒœŠšŽžŸƒ‹›")
    if high < 6:
        return False
    if any("\x80" <= ch <= "\x9f" for ch in text):
        return True
    ascii_letters = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return high > ascii_letters


_C1_CONTROL = re.compile(r"[\x80-\x9f]")


def _has_multibyte_utf8(data: bytes) -> bool:
    return any(b >= 0x80 for b in data) and _strict(data, "utf-8") is not None


def _mostly_utf8(data: bytes) -> bool:
    """Valid multi-byte UTF-8 sequences far outnumber the invalid bytes: UTF-8 text with a
    few broken bytes (a truncated name, one stray Latin-1 byte), not another charset."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    good = sum(1 for ch in text if ord(ch) >= 0x80 and ch != "\ufffd")
    return good >= 4 and bad * 8 <= good


def _acceptable(data: bytes, codec: str) -> str | None:
    """``data`` read strictly as ``codec`` (ISO-2022-JP labels also as the Shift_JIS bytes
    they often carry), or None when that reading fails or looks wrong."""
    text = _strict(data, codec)
    if text is None and codec.startswith("iso2022_jp"):
        text = _iso2022jp_via_cp932(data) or _strict(data, "cp932")
    if text is not None and codec in _WESTERN and _looks_misread(text):
        return None
    if text is not None and codec.startswith("iso8859") and _C1_CONTROL.search(text):
        # ISO-8859 charsets put control codes at 0x80-0x9F and text never uses them; those
        # bytes are windows-125x letters (پ چ ژ گ ک in windows-1256) under the wrong label.
        return None
    return text


# The legacy charsets mislabelled mail is really in, in order of preference on a tie: Persian and
# Arabic first (this helpdesk's users), then Western, Cyrillic, Central European, Greek, Hebrew.
_LEGACY = ("cp1256", "cp1252", "cp1251", "koi8-r", "iso8859-6", "cp1250", "cp1253", "cp1255", "cp1254")
_SAMPLE_CHARS = 20000


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF or 0xFB50 <= code <= 0xFEFF or 0x0750 <= code <= 0x077F:
        return "arabic"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if 0x0370 <= code <= 0x03FF:
        return "greek"
    if 0x0590 <= code <= 0x05FF:
        return "hebrew"
    if code <= 0x024F or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    return "other"


def _plausibility(text: str) -> int:
    """How much ``text`` looks like a human language rather than bytes read in the wrong charset.

    Each word with non-ASCII letters is judged: letters of one script score, while the traces of
    a wrong reading cost: C1 controls, words mixing scripts ("Grüكe"), Latin text denser in
    accented than in plain letters ("Çäðàâñòâóéòå"), a capital after a small letter or whole
    words in capitals in Cyrillic or Greek (KOI8-R read as windows-1251), symbols inside words
    ("ان×ابظة"), combining marks that follow no letter of their script.
    """
    score = 0
    sample = text[:_SAMPLE_CHARS]
    accented_total = sum(1 for ch in sample if not ch.isascii() and ch.isalpha() and _script(ch) == "latin")
    if accented_total >= 6 and accented_total > sum(1 for ch in sample if ch.isascii() and ch.isalpha()):
        score -= 2 * accented_total
    for word in re.findall(r"\S+", sample):
        if word.isascii():
            continue
        scripts: set[str] = set()
        letters = 0
        previous = ""
        flips = 0
        for ch in word:
            if ch.isascii():
                if ch.isalpha():
                    scripts.add("latin")
                previous = ch
                continue
            category = unicodedata.category(ch)
            if category[0] == "C":
                score -= 5
            elif category[0] == "L":
                script = _script(ch)
                scripts.add(script)
                letters += 1
                if script in ("cyrillic", "greek") and ch.isupper() and previous.islower():
                    flips += 1
            elif category == "Mn":
                if _script(previous or " ") not in ("arabic", "hebrew"):
                    score -= 2
            elif category in ("Sm", "So", "Sk") and previous.isalpha():
                score -= 3
            previous = ch
        score += letters
        if len(scripts) > 1:
            score -= 4 * letters
        bicameral = [ch for ch in word if ch.isalpha() and _script(ch) in ("cyrillic", "greek")]
        if flips or (len(bicameral) >= 3 and all(ch.isupper() for ch in bicameral)):
            score -= 2 * len(bicameral)
    return score


def _most_plausible(data: bytes, codecs_first: tuple[str, ...]) -> str | None:
    """``data`` read in the legacy charset (``codecs_first`` before the usual ones) whose
    reading is most plausible; ties go to the earlier charset."""
    best: tuple[int, str] | None = None
    for codec in dict.fromkeys((*codecs_first, *_LEGACY)):
        text = _strict(data, codec)
        if text is None:
            continue
        score = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, text)
    return best[1] if best else None


def decode_bytes(data: bytes, charset: str | None = None, *, fallbacks: tuple[str, ...] = ()) -> str:
    """Decode ``data`` declared as ``charset``; never raises.

    Order: the declared charset (read through a superset), except that valid UTF-8 wins over a
    single-byte label that would have "succeeded" on anything and that a Western label is not
    believed when the result looks like misread Arabic script; then UTF-8, the ``fallbacks``
    (charsets seen elsewhere in the message), UTF-8 with a few bad bytes replaced when it is
    overwhelmingly UTF-8, the legacy charset whose reading is most plausible (windows-1256 on a
    tie); last, the declared charset or UTF-8 with replacement characters. A single-byte label
    whose reading is implausible also gives way to the most plausible legacy charset.
    """
    if not data:
        return ""
    codec = lookup_codec(charset)
    if codec in _PERMISSIVE and _has_multibyte_utf8(data):
        return data.decode("utf-8")
    if codec:
        text = _acceptable(data, codec)
        if text is not None and codec in _PERMISSIVE | {"iso8859-6"} and _plausibility(text) < 0:
            # A single-byte label "decodes" anything: when its reading is implausible, a legacy
            # charset that reads better wins (ISO-8859-6 bytes labelled windows-1256).
            return _most_plausible(data, (codec,)) or text
        if text is not None:
            return text
    for candidate in ("utf-8", *fallbacks):
        fallback_codec = lookup_codec(candidate)
        if fallback_codec and fallback_codec != codec:
            text = _acceptable(data, fallback_codec)
            if text is not None:
                return text
    if codec in (None, "utf-8") and _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    text = _most_plausible(data, ())
    if text is not None:
        return text
    try:
        return data.decode(codec or "utf-8", errors="replace")
    except (UnicodeError, LookupError, ValueError, TypeError):
        return data.decode("utf-8", errors="replace")


def decode_surrogates(value: str, *, fallbacks: tuple[str, ...] = ()) -> str:
    """Undo the ``surrogateescape`` the byte parser applied to raw 8-bit header bytes: UTF-8
    when valid, else the charsets the message declares elsewhere, else windows-1256."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    raw = value.encode("utf-8", errors="surrogateescape")
    return decode_bytes(raw, None, fallbacks=("utf-8", *fallbacks))
