"""Quoted history in a reply: where the new text ends and the quoted or forwarded mail begins.

Recognised by its markers: "On <date>, <person> wrote:" in several languages, ">" quoting, Outlook
"-----Original Message-----" and "From:/Sent:" blocks, forward markers and HTML quote containers
(tickets.email.html marks them). Line-based and conservative.
"""

from __future__ import annotations

import re
from itertools import islice

from tickets.email.html import HR_ANCHOR, HR_MARK, QUOTE_CUT, QUOTE_END, QUOTE_START

# "On <date>, <person> wrote:" and its translations. The verb may sit mid-line (German puts
# the name after "schrieb"), so the line must also end with a colon.
_VERBS = (
    r"wrote|writes|schrieb|schreibt|a\s+écrit|a\s+ecrit|escribió|escribio|escreveu|"
    r"ha\s+scritto|scrive|schreef|skrev|skrifaði|kirjoitti|napisal|napisał|napsal|napísal|"
    r"pisze|írta|yazdı|έγραψε|написал|написала|написал\(а\)|пишет|نوشت|نوشته|كتب|כתב|"
    r"写道|寫道|のメッセージ|님이\s*작성|"
    # Arabic Gmail: "... تمت كتابة ما يلي بواسطة Name <addr>:" ("the following was written by").
    r"كتابة\s+ما\s+يلي\s+بواسطة"
)
_ATTRIBUTION = re.compile(rf"(?:{_VERBS})(?:\W.{{0,200}})?[:：]\s*$", re.IGNORECASE)
_ATTRIBUTION_LEAD = re.compile(
    r"^[\s>*-]*(?:(?:On|Am|Le|El|Il|Op|Em|Den|Dne|W\s+dniu|Στις|در|V|В|Na|Pe)\b|\d|‫|‏)",
    re.IGNORECASE,
)
# Yandex/Mail.ru style: "26.06.2014, 14:41, "Name" <addr>:" (no verb at all).
_DATED_ATTRIBUTION = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}.{0,200}(?:>|\))\s*[:：]\s*$")
# Direction marks and embeddings RTL clients wrap attributions and header lines in ("\u202b...:\u202c").
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Zoho: "---- On <date> <name> wrote ----".
_DASHED_END = re.compile(r"\s*-{2,}\s*$")

_SEPARATOR_HEADS = (
    r"original\s+message|ursprüngliche\s+nachricht|originalnachricht|message\s+d'origine|"
    r"mensaje\s+original|mensagem\s+original|messaggio\s+originale|oorspronkelijk\s+bericht|"
    r"originalmeddelande|opprinnelig\s+melding|alkuperäinen\s+viesti|исходное\s+сообщение|"
    r"původní\s+zpráva|wiadomość\s+oryginalna|پیام\s+اصلی|forwarded\s+message|"
    r"weitergeleitete\s+nachricht|message\s+transféré|mensaje\s+reenviado|"
    r"messaggio\s+inoltrato|doorgestuurd\s+bericht|vidarebefordrat\s+meddelande|"
    r"пересылаемое\s+сообщение|پیام\s+(?:هدایت|بازارسال|ارسال)\s+شده|reply\s+message"
)
_SEPARATOR = re.compile(rf"^\s*[-_=*]{{2,}}\s*(?:{_SEPARATOR_HEADS})\s*[-_=*]{{2,}}\s*$", re.IGNORECASE)
_FORWARD_INTRO = re.compile(
    r"^\s*(?:begin\s+forwarded\s+message|anfang\s+der\s+weitergeleiteten\s+nachricht|"
    r"début\s+du\s+message\s+réexpédié|inicio\s+del\s+mensaje\s+reenviado)\s*:\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*(?:[-_=~]\s*){5,}$")
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")

_KEY_FROM = (
    r"from|von|de|da|van|från|fra|frá|od|от|від|از|kimden|lähettäjä|feladó|afzender|"
    r"remetente|mittente|expéditeur|absender|寄件者|发件人|差出人|보낸\s*사람|من|فرستنده|מאת"
)
_KEY_DATE = (
    r"sent|date|gesendet|datum|envoyé|enviado|fecha|data|inviato|verzonden|skickat|sendt|"
    r"отправлено|дата|تاریخ|ارسال\s*شده|tarih|lähetetty|wysłano|odesláno|日期|发送时间|送信日時|"
    r"enviado\s+el|enviada\s+em|gönderildi|gönderilme\s+tarihi|تاريخ\s+الإرسال|التاريخ|أرسلت|"
    r"زمان\s+ارسال|נשלח|תאריך"
)
_KEY_SUBJECT = (
    r"subject|betreff|objet|asunto|assunto|oggetto|onderwerp|ämne|emne|тема|موضوع|konu|"
    r"aihe|temat|předmět|主题|主旨|件名|الموضوع|נושא"
)
_KEY_TO = r"to|cc|an|à|a|para|aan|till|til|кому|копия|به|رونوشت|kime|vastaanottaja|do|komu|收件人|إلى|الى|نسخة|אל|宛先"


def _key_line(kind: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*[*>]?\s*\*?(?:{kind})\s*\*?\s*[:：]", re.IGNORECASE)


_HEADER_FROM = _key_line(_KEY_FROM)
_HEADER_DATE = _key_line(_KEY_DATE)
_HEADER_SUBJECT = _key_line(_KEY_SUBJECT)
_HEADER_TO = _key_line(_KEY_TO)


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_quoted(line: str) -> bool:
    return line.lstrip(" ").startswith(">")


def _attribution_end(lines: list[str], start: int) -> int | None:
    """If an attribution line ("... wrote:") begins at ``start`` (joined over at most four
    non-blank lines), return the index of its last line."""
    if not _ATTRIBUTION_LEAD.match(_plain(lines[start])) and not _ends_attribution(
        lines[start], before_quote=_quote_follows(lines, start + 1)
    ):
        return None
    joined = ""
    for end in range(start, min(start + 4, len(lines))):
        if _is_blank(lines[end]) or (end > start and _is_quoted(lines[end])):
            return None
        joined = f"{joined} {lines[end].strip()}".strip()
        if len(joined) > 400:
            return None
        # Without a date or an address, only a single line right before the quote is one.
        if _ends_attribution(joined, before_quote=end == start and _quote_follows(lines, end + 1)):
            if end == start or _ATTRIBUTION_LEAD.match(_plain(lines[start])):
                return end
            return None
    return None


def _plain(text: str) -> str:
    return _BIDI.sub("", text)


def _quote_follows(lines: list[str], index: int) -> bool:
    """Quoted history starts at ``index`` (blank lines skipped): a blockquote, a quote container
    or ">" lines."""
    while index < len(lines) and _is_blank(lines[index]):
        index += 1
    if index >= len(lines):
        return False
    return lines[index].strip() in (QUOTE_START, QUOTE_CUT) or _is_quoted(lines[index])


# What every real attribution carries: an address, a time or a year. "On Monday I wrote:"
# in the customer's own text has none of them.
_ATTRIBUTION_EVIDENCE = re.compile(r"@|\d{1,2}:\d{2}|\d{4}")


def _ends_attribution(text: str, *, before_quote: bool = False) -> bool:
    """Whether ``text`` is an attribution line. Right before quoted history the line needs no
    date ("Support wrote:"), and a line ending in a colon that names an address or a time is
    one in any language ("2024年6月3日(月) 10:15 Support <a@b>:")."""
    text = _plain(text).strip().lstrip(">").strip()
    if _ATTRIBUTION_LEAD.match(text) and _DASHED_END.search(text) and _ATTRIBUTION.search(_DASHED_END.sub(":", text)):
        text = _DASHED_END.sub(":", text)
    if not text.rstrip().endswith((":", "：")):
        return False
    if _DATED_ATTRIBUTION.match(text):
        return True
    if before_quote:
        if _ATTRIBUTION.search(text):
            return True
        return len(text) <= 300 and bool(re.search(r"@|\d{1,2}:\d{2}", text))
    return bool(_ATTRIBUTION.search(text)) and bool(_ATTRIBUTION_EVIDENCE.search(text))


def _header_block_at(lines: list[str], start: int) -> bool:
    """A run of mail header lines (Outlook-style "From: / Sent: / To: / Subject:") with a From
    line and a Sent/Date or Subject line. Its From must name an address, unless an <hr> or an
    Outlook border introduces it or the block has all of From, Sent/Date, To and Subject: "From:
    Tehran / Date: May 12" in a customer's own text is not history."""
    if start >= len(lines):
        return False
    line = _plain(lines[start])
    if not any(p.match(line) for p in (_HEADER_FROM, _HEADER_DATE, _HEADER_SUBJECT)):
        return False
    seen: set[str] = set()
    addressed = _hr_anchor_before(lines, start) is not None
    checked = 0
    for index in range(start, len(lines)):
        if checked >= 8:
            break
        current = _plain(lines[index])
        if _is_blank(current):
            if checked and index + 1 < len(lines) and _is_blank(lines[index + 1]):
                break
            continue
        checked += 1
        for name, pattern in (
            ("from", _HEADER_FROM),
            ("date", _HEADER_DATE),
            ("subject", _HEADER_SUBJECT),
            ("to", _HEADER_TO),
        ):
            if pattern.match(current):
                seen.add(name)
                if name == "from" and re.search(r"@|<|mailto:", current, re.IGNORECASE):
                    addressed = True
                break
    # Names only ("From: Support Team"), but the whole From/Sent/To/Subject block: history too.
    complete = seen >= {"from", "date", "to", "subject"}
    return (addressed or complete) and "from" in seen and bool(seen & {"date", "subject"})


def _back_over_separators(lines: list[str], index: int) -> int:
    """Move a cut point up over blank lines, rules and <hr> marks that introduce history."""
    while index > 0:
        previous = lines[index - 1]
        if _is_blank(previous) or _RULE.match(previous) or previous.strip() == HR_MARK:
            index -= 1
            continue
        break
    return index


def _hr_anchor_before(lines: list[str], index: int) -> int | None:
    """If history at ``index`` is introduced by an <hr>, where the block holding it began."""
    probe = index
    while probe > 0 and _is_blank(lines[probe - 1]):
        probe -= 1
    if probe == 0 or lines[probe - 1].strip() != HR_MARK:
        return None
    for anchor in range(probe - 2, -1, -1):
        if lines[anchor].strip() == HR_ANCHOR:
            return anchor
    return None


def _skip_quoted_block(lines: list[str], index: int) -> int:
    """From a line after an attribution, the index just past the quoted block (or ``index``
    when no quoted block follows)."""
    probe = index
    while probe < len(lines) and _is_blank(lines[probe]):
        probe += 1
    if probe >= len(lines):
        return index
    if lines[probe].strip() == QUOTE_START:
        depth = 0
        for cursor in range(probe, len(lines)):
            marker = lines[cursor].strip()
            if marker == QUOTE_START:
                depth += 1
            elif marker == QUOTE_END:
                depth -= 1
                if depth == 0:
                    return cursor + 1
        return len(lines)
    if not _is_quoted(lines[probe]):
        return index
    cursor = probe
    while cursor < len(lines) and (_is_quoted(lines[cursor]) or _is_blank(lines[cursor])):
        cursor += 1
    return cursor


def _strip_history(lines: list[str]) -> tuple[list[str], bool]:
    """Remove quoted history; returns the remaining lines and whether any history was found."""
    kept: list[int] = []
    found = False
    index = 0
    quote_depth = 0

    def result(cut: int | None = None) -> list[str]:
        chosen = [lines[i] for i in kept if cut is None or i < cut]
        return chosen if cut is None else chosen[: _back_over_separators(chosen, len(chosen))]

    while index < len(lines):
        line = lines[index]
        marker = line.strip()
        if marker == QUOTE_START:
            quote_depth += 1
            found = True
            index += 1
            continue
        if marker == QUOTE_END:
            quote_depth = max(0, quote_depth - 1)
            index += 1
            continue
        if quote_depth:
            index += 1
            continue
        if marker == QUOTE_CUT or _SEPARATOR.match(line) or _FORWARD_INTRO.match(line):
            return result(index), True
        if _header_block_at(lines, index):
            anchor = _hr_anchor_before(lines, index)
            return result(index if anchor is None else anchor), True
        if _UNDERSCORES.match(line):
            rest = list(islice((item for item in lines[index + 1 :] if not _is_blank(item)), 7))
            if len(rest) <= 6 or _header_block_at(lines, index + 1 + _count_blank(lines, index + 1)):
                return result(index), True
        end = _attribution_end(lines, index)
        if end is not None:
            after = _skip_quoted_block(lines, end + 1)
            found = True
            if after == end + 1:
                return result(index), True
            index = after
            continue
        if _is_quoted(line):
            found = True
            index += 1
            continue
        kept.append(index)
        index += 1
    return result(), found


def _count_blank(lines: list[str], index: int) -> int:
    count = 0
    while index + count < len(lines) and _is_blank(lines[index + count]):
        count += 1
    return count
