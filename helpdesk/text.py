"""Text normalisation for search (the same folding on the indexed and the query side), and a guess
of the language a text is written in.

Persian is typed on Arabic and Persian keyboards alike, so ي/ی and ك/ک must match, ZWNJ and
diacritics must not matter, and Persian/Arabic digits equal ASCII digits.
"""

import re
import unicodedata

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
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    }
)
# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef).
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"\s+")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


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


def detect_language(text: str) -> str:
    """fa when the text has Arabic-script letters, else en (the two languages the helpdesk speaks)."""
    return "fa" if ARABIC_SCRIPT.search(text or "") else "en"
