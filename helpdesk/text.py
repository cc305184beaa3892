"""Text normalisation for search (the same folding on the indexed and the query side), and a guess
of the language a text is written in.

Persian is typed on Arabic and Persian keyboards alike, so ي/ی and ك/ک must match, ZWNJ and
diacritics must not matter, and Persian/Arabic digits equal ASCII digits.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_DIGITS = {
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
}
_LATIN_DIGITS = str.maketrans(_DIGITS)
_FOLD = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh → Persian yeh
        "ى": "ی",  # alef maksura
        "ئ": "ی",
        "ك": "ک",  # Arabic kaf → Persian keheh
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        # ZWNJ (U+200C) is kept here: normalize_text turns it into a space, search_chunks reads it.
        "\u200d": "",  # ZWJ, and the invisible direction marks and BOM pasted along with Persian text
        "\u200e": "",
        "\u200f": "",
        "\ufeff": "",
        "\u0640": "",  # tatweel
        **_DIGITS,
    }
)
# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef).
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"\s+")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


ZWNJ = "\u200c"


def _fold(text: str) -> str:
    """Case, letter variants, digits and diacritics folded; ZWNJ kept."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text)
    return text.translate(_FOLD).casefold()


def latin_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as ASCII ones, everything else unchanged: "۱۴۰۳/۱۲/۳۰" → "1403/12/30"."""
    return text.translate(_LATIN_DIGITS)


def normalize_text(text: str) -> str:
    """Fold case, letter variants, digits, diacritics and joiners so equal-looking words match."""
    if not text:
        return ""
    return _SPACES.sub(" ", _fold(text).replace(ZWNJ, " ")).strip()


# Persian verb prefixes and word suffixes are written joined by a ZWNJ, as one word or apart: they stay
# one word ("نمی‌کند", "نمیکند", "نمی کند" → "نمیکند"), so a word is never read out of a verb.
_FA_LETTER = "[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff]"
_FA_PREFIX = re.compile(rf"(?<!\w)(ن?می)(?:{ZWNJ}| +)(?={_FA_LETTER})")
# Suffixes joined whether a ZWNJ or a space stands before them: plural and personal endings.
_FA_SUFFIX = re.compile(rf"(?<={_FA_LETTER})(?:{ZWNJ}| +)(ها(?:ی(?:ی|م|ت|ش|مان|تان|شان)?)?|ام|ایم|اید|اند)(?!\w)")
# Suffixes joined only after a ZWNJ: apart they are words of their own ("تر", wet).
_FA_ZWNJ_SUFFIX = re.compile(rf"(?<={_FA_LETTER}){ZWNJ}(ترین|تر|ای|اش|ات|ی|یی)(?!\w)")


def join_persian_affixes(text: str) -> str:
    """The text folded (see _fold), a Persian verb prefix (می, نمی) and suffixes (ها, های, ام, ...) closed
    up with their word, whether a ZWNJ, a space or nothing stands between: the same word on every side."""
    folded = _fold(text or "")
    if not ARABIC_SCRIPT.search(folded):
        return folded
    folded = _FA_PREFIX.sub(r"\1", folded)
    folded = _FA_SUFFIX.sub(r"\1", folded)
    return _FA_ZWNJ_SUFFIX.sub(r"\1", folded)


def search_terms(query: str) -> list[str]:
    """Normalised words of a query; a ZWNJ-joined word also matches when written as one word."""
    words = [w for w in re.split(r"[^\w]+", normalize_text(query)) if w]
    return words


# --- what PostgreSQL takes: the index's limits, on every search side ------------------------------

# PostgreSQL refuses a lexeme over 2,047 bytes of UTF-8 in a tsvector or a tsquery ("word is too long"),
# failing the whole save. Longer words (a run of one letter, a pasted token) are left out of every index
# and every query; the room kept leaves space for the marks ticket search puts before a stem ("!~").
MAX_LEXEME_BYTES = 2047
MAX_WORD_BYTES = MAX_LEXEME_BYTES - 15


def indexable(word: str) -> bool:
    """Whether a word is short enough to be indexed and searched (a Persian letter takes two bytes)."""
    return len(word) * 4 <= MAX_WORD_BYTES or len(word.encode()) <= MAX_WORD_BYTES


def cut_to_bytes(text: str, limit: int) -> str:
    """The start of `text` that takes at most `limit` bytes of UTF-8, cut after a space (never half a
    word, the space kept): what an index holds of a huge text, since PostgreSQL refuses a tsvector over 1 MB."""
    if len(text) * 4 <= limit:
        return text
    head = text.encode()[:limit].decode(errors="ignore")
    if len(head) == len(text):
        return text
    return head[: head.rfind(" ") + 1]


# --- search tokens: what ticket search indexes and queries, the same on both sides -----------------

# A word is cut into its runs of letters and digits ("2026-114" → 2026 114, "foo_bar" → foo bar); a search
# for a word is the phrase of its parts, so punctuation never decides whether something is found.
_PART = re.compile(r"[^\W_]+")
MAX_PART_CHARS = 64  # longer runs (hashes, base64) are cut, alike on both sides, so every lexeme stays small
# Digit groups written the ways phone numbers are: "+98 (912) 123-4567", "0912.123.4567".
_PHONE_RUN = re.compile(r"(?<![^\W_])[+(]?[0-9]+(?:[ \-.()/]{1,3}[0-9]+)*(?![^\W_])")
_PHONE_QUERY = re.compile(r"[+(]?[0-9][0-9 \-.()/]*")
PHONE_MIN_DIGITS = 6
PHONE_MAX_DIGITS = 15  # E.164


@dataclass(frozen=True)
class SearchChunk:
    """A whitespace-separated word: its parts, and its parts with ZWNJ joins closed when that differs."""

    parts: tuple[str, ...]
    joined: tuple[str, ...] = ()  # "نمی‌خواهم" → parts ("نمی", "خواهم"), joined ("نمیخواهم",)


def _parts(word: str) -> tuple[str, ...]:
    return tuple(part[:MAX_PART_CHARS] for part in _PART.findall(word))


def search_chunks(text: str) -> list[SearchChunk]:
    """The words of a text, folded, each cut into its letter and digit parts (empty words dropped)."""
    chunks = []
    for word in _fold(text or "").split():
        parts = _parts(word)
        if parts:
            joined = _parts(word.replace(ZWNJ, "")) if ZWNJ in word else parts
            chunks.append(SearchChunk(parts, joined if joined != parts else ()))
    return chunks


def _phone_keys(digits: str) -> list[str]:
    """A number's significant digits, and its last ten (the subscriber part behind a country code)."""
    digits = digits.lstrip("0")
    if not PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS:
        return []
    return [digits, digits[-10:]] if len(digits) > 10 else [digits]


def search_tokens(text: str) -> list[str]:
    """The words a text is indexed under, in order: every part, a ZWNJ word also closed up, then the
    digits of each phone-like number ("0912 123-4567" → 9121234567) so it is found however it is typed."""
    tokens: list[str] = []
    for chunk in search_chunks(text):
        tokens += chunk.parts + chunk.joined
    for run in _PHONE_RUN.finditer(_fold(text or "")):
        tokens += _phone_keys(re.sub(r"[^0-9]", "", run.group()))
    return tokens


def phone_search_key(query: str) -> str:
    """The indexed phone key a query means when it is only a phone number ("" otherwise)."""
    folded = _fold(query or "").strip()
    if not _PHONE_QUERY.fullmatch(folded):
        return ""
    keys = _phone_keys(re.sub(r"[^0-9]", "", folded))
    return keys[-1] if keys else ""


# A list typed by a person: Latin or Persian comma, Latin or Arabic semicolon, or one item per line.
_LIST_SEPARATORS = re.compile("[,\u060c;\u061b\\n\\r]")
_EDGE_MARKS = " \t\u200c\u200d\u200e\u200f\ufeff\u00a0"


def split_list(text: str) -> list[str]:
    """A user-typed list as its items: split on "," "،" ";" "؛" and line breaks, each item trimmed
    (spaces, ZWNJ and direction marks at its edges; a ZWNJ inside a word stays), empties dropped and
    repeats dropped (letter variants and case alike), first spelling and order kept."""
    return split_items([text])


def split_items(values: Iterable[str]) -> list[str]:
    """split_list over several values as one list: what services apply to names and keywords that come
    as a list (API, forms), so "پرینتر، چاپگر" is two items whichever channel sent it."""
    items: dict[str, str] = {}
    for value in values:
        for part in _LIST_SEPARATORS.split(value or ""):
            item = " ".join(part.split()).strip(_EDGE_MARKS)
            if item:
                items.setdefault(normalize_text(item) or item, item)
    return list(items.values())


# --- one line people type (names, subjects, titles) --------------------------------------------

# Embedding, override and isolate controls reorder what others see: "Bob \u202egnp.exe" shows as
# "Bob exe.png". Direction marks (LRM, RLM, ALM) are removed at the edges, where they change nothing
# but an empty-looking name. ZWNJ and ZWJ stay: Persian is written with them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_LINE_EDGES = re.compile(r"^[\s\u200e\u200f\u061c\ufeff]+|[\s\u200e\u200f\u061c\ufeff]+$")
# Letters that show nothing (tatweel, Hangul fillers, the blank Braille pattern).
_INVISIBLE_LETTERS = frozenset("\u0640\u115f\u1160\u3164\uffa0\u2800")


JOINERS = "\u200c\u200d"  # ZWNJ and ZWJ


def without_format_chars(text: str) -> str:
    """`text` without format characters (bidi controls and marks, zero-width spaces, BOM, soft hyphen),
    which hide or reorder what it shows, but with ZWNJ and ZWJ, which Persian is written with: the rule
    for file names on every channel (tickets.attachments.store.safe_filename, tickets.email.mime)."""
    return "".join(char for char in text if char in JOINERS or unicodedata.category(char) != "Cf")


def clean_line(text: str) -> str:
    """One line a person typed (a name, a subject, a title) without bidi embedding, override or isolate
    controls, and trimmed of spaces and direction marks at its edges; ZWNJ and ZWJ kept."""
    return _LINE_EDGES.sub("", _BIDI_CONTROLS.sub("", text or ""))


def is_blank(text: str) -> bool:
    """Whether a text shows nothing: only spaces, joiners, direction marks and other format characters,
    combining marks or tatweel (what every channel refuses as an empty subject, name or message)."""
    return not any(char not in _INVISIBLE_LETTERS and unicodedata.category(char)[0] not in "ZCM" for char in text or "")


def detect_language(text: str) -> str:
    """fa when the text has Arabic-script letters, else en (the two languages the helpdesk speaks)."""
    return "fa" if ARABIC_SCRIPT.search(text or "") else "en"
