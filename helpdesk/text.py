"""Text normalisation for search: the same folding on the indexed side and the query side.

Persian is typed on Arabic and Persian keyboards alike, so ي/ی and ك/ک must match, ZWNJ and
diacritics must not matter, and Persian/Arabic digits equal ASCII digits.
"""

import re
import unicodedata

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
        "\u200c": " ",  # ZWNJ: "می‌خواهم" and "می خواهم" and "میخواهم" should meet (see below)
        "\u200d": "",
        "\u0640": "",  # tatweel
        **_DIGITS,
    }
)
# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef).
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"\s+")


def latin_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as ASCII ones, everything else unchanged: "۱۴۰۳/۱۲/۳۰" → "1403/12/30"."""
    return text.translate(_LATIN_DIGITS)


def normalize_text(text: str) -> str:
    """Fold case, letter variants, digits, diacritics and joiners so equal-looking words match."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_FOLD).casefold()
    return _SPACES.sub(" ", text).strip()


def search_terms(query: str) -> list[str]:
    """Normalised words of a query; a ZWNJ-joined word also matches when written as one word."""
    words = [w for w in re.split(r"[^\w]+", normalize_text(query)) if w]
    return words
