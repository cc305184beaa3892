"""Words to search terms: the same analysis on the indexed side and the query side.

`analyze()` folds a text with helpdesk.text.normalize_text (ي/ی, ك/ک, ZWNJ, diacritics, digits),
splits it into words, drops stop words of English and Persian, and reduces each word to its stem:
English words with the Snowball English stemmer ("passwords", "resetting" → "password", "reset"),
Persian words with Snowball's Persian stemmer after the verb prefixes می/نمی and a few suffixes it
leaves are taken off ("نمی‌توانم", "نمیتوانم" → "توان"). Stems need not be words: both sides only
have to agree.
"""

import re
from functools import lru_cache

import snowballstemmer

from helpdesk.text import indexable, normalize_text

_WORD = re.compile(r"\w+")


def _wordlist(text: str) -> frozenset[str]:
    """Words separated by white space, folded like everything else that is searched."""
    return frozenset(normalize_text(word) for word in text.split())


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")

EN_STOP_WORDS = _wordlist(
    """
    a about above after again against all am an and any are as at be because been before being below between
    both but by can cannot could did do does doing don down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours
    yourself yourselves get got getting please hi hello thanks thank cant can't dont won't doesnt isnt im
    ive let lets also still even via s t d ll m re ve
    """
)
# Persian function words, written as normalize_text leaves them (no ZWNJ, Persian yeh and keheh).
FA_STOP_WORDS = _wordlist(
    """
    و در به از که این آن را با برای تا یا هم اما اگر پس چون چه چرا چطور چگونه کجا کی کدام آیا است هست
    نیست بود شد شده شود می نمی ها های ای یک ی من تو او ما شما ایشان آنها اینها خود خودم خودت خودش
    مان تان شان م ت ش بر روی زیر پیش بعد قبل هر همه دیگر نیز باید شاید فقط خیلی بسیار چند چیزی کسی
    لطفا سلام ممنون مرسی متشکرم آن‌ها این‌ها را هستم هستید بودم کنم کنید کرد کردم کرده ام ای اید
    اند دارم دارید دارد داره میشه نمیشه چی چیه ولی وقتی حتی الان شوم شوید شویم بشوم بشود
    کردن کرده کردی کردید کردند کردیم بکنم بکنید شدن شدی شدید شدند بودن باشد باشم باشید داشتن دادن
    """
)
STOP_WORDS = EN_STOP_WORDS | FA_STOP_WORDS

# Suffixes Snowball's Persian stemmer keeps that change nothing a searcher means (plurals it misses,
# possessive and personal endings), longest first; taken only from words long enough to keep a stem.
_FA_SUFFIXES = (
    "هایمان",
    "هایتان",
    "هایشان",
    "هایم",
    "هایت",
    "هایش",
    "های",
    "ها",
    "ان",
    "ات",
    "یم",
    "ید",
    "ند",
    "ام",
    "م",
    "ی",
)
_FA_MIN_STEM = 3


@lru_cache(maxsize=4)
def _stemmer(language: str):
    return snowballstemmer.stemmer(language)


def _persian_stem(word: str) -> str:
    for prefix in ("نمی", "می", "بی"):
        # "میخواهم" and "می خواهم" (ZWNJ folded to a space, then "می" dropped) must meet.
        if word.startswith(prefix) and len(word) - len(prefix) >= _FA_MIN_STEM + 1:
            word = word[len(prefix) :]
            break
    stem = _stemmer("persian").stemWord(word)
    for suffix in _FA_SUFFIXES:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= _FA_MIN_STEM:
            return stem[: -len(suffix)]
    return stem


# Longer "words" (a run of one letter, an encoded blob pasted into a message) are kept as they are:
# the Snowball stemmers take time that grows with the square of a word's length (a 20,000-letter word
# took 47 ms, a million letters about 90 s, holding a web worker and the database with it).
MAX_STEM_CHARS = 60
MAX_SPLIT_CHARS = 24  # a longer Persian word is not tried as two words run together (search)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one normalised word (Persian by its script, else English; numbers, very short and
    very long words as they are)."""
    if word.isdigit() or len(word) < 3 or len(word) > MAX_STEM_CHARS:
        return word
    if _ARABIC_SCRIPT.search(word):
        return _persian_stem(word)
    return _stemmer("english").stemWord(word)


def words(text: str) -> list[str]:
    """The normalised words of `text`, stop words included (for prefixes and phrases); a word too long
    for PostgreSQL's index (helpdesk.text.indexable) is left out, so it is neither stored nor asked for."""
    return [word for word in _WORD.findall(normalize_text(text).replace("_", " ")) if indexable(word)]


# Two-word forms that mean one thing and lose it when the second word is dropped as a stop word
# ("sign up" is not "sign in"); written as one word on both sides, like those who write "signup".
COMPOUNDS = {
    ("sign", "in"): "signin",
    ("signed", "in"): "signin",
    ("signing", "in"): "signin",
    ("sign", "on"): "signon",
    ("sign", "up"): "signup",
    ("signed", "up"): "signup",
    ("signing", "up"): "signup",
    ("sign", "out"): "signout",
    ("signed", "out"): "signout",
    ("log", "in"): "login",
    ("logged", "in"): "login",
    ("logging", "in"): "login",
    ("log", "on"): "logon",
    ("log", "out"): "logout",
    ("logged", "out"): "logout",
    ("set", "up"): "setup",
    ("back", "up"): "backup",
    ("backed", "up"): "backup",
    ("check", "out"): "checkout",
    ("e", "mail"): "email",
    ("e", "mails"): "emails",
    ("pass", "word"): "password",
    ("pass", "code"): "passcode",
    ("two", "factor"): "twofactor",
    ("2", "fa"): "2fa",
    ("wi", "fi"): "wifi",
    ("add", "on"): "addon",
    ("plug", "in"): "plugin",
    ("opt", "out"): "optout",
}


def join_compounds(tokens: list[str]) -> list[str]:
    """`tokens` with each two-word compound of COMPOUNDS written as one word."""
    result, i = [], 0
    while i < len(tokens):
        pair = COMPOUNDS.get(tuple(tokens[i : i + 2]))
        if pair:
            result.append(pair)
            i += 2
        else:
            result.append(tokens[i])
            i += 1
    return result


def meaningful_words(text: str) -> list[str]:
    """The normalised words of `text` without stop words, two-word compounds joined."""
    return [word for word in join_compounds(words(text)) if word not in STOP_WORDS]


# Stems of Persian modal and light verbs ("can", "want", "have"): their many forms ("می‌توانید",
# "نمی‌توانم", "می‌خواهم", "داریم") carry no topic, like the English stop words "can" and "have".
STOP_STEMS = frozenset({"توان", "خواه", "دار", "کن", "شو"})


def analyze(text: str) -> list[str]:
    """Stems of the words of `text` that carry meaning, in order (repeats kept)."""
    return [s for s in map(stem, meaningful_words(text)) if s not in STOP_STEMS]


def analyzed_text(text: str) -> str:
    """`analyze(text)` as one space-separated string, the form the search columns store."""
    return " ".join(analyze(text))
