"""Mail the shared corpus does not hold, written here byte for byte: header blocks broken by a
mail system, several From addresses, Reply-To, spoofing through the display name, quoted HTML
history in several languages, uuencoded bodies and mislabelled charsets."""

from __future__ import annotations

import base64
import binascii
import time

import pytest

from tickets.email import extract_visible_text_from_html, parse_message
from tickets.email.charsets import decode_bytes
from tickets.email.headers import parse_address_list


def _raw(headers: str, body: bytes = b"Hello, my printer is broken.\r\n") -> bytes:
    """Literal header lines (LF turned into CRLF) and a body: nothing re-folded or repaired."""
    return headers.strip("\n").replace("\n", "\r\n").encode("utf-8") + b"\r\n\r\n" + body


# --- header blocks broken by a mail system ----------------------------------------------------

LONG_SUBJECT = "Printer on the third floor prints every page twice and then jams in tray two"


def test_an_unindented_continuation_of_the_last_header_stays_in_that_header_not_in_the_body() -> None:
    raw = _raw(
        f"From: Carla <carla@acme.example>\nTo: support@helpdesk.example\nSubject: {LONG_SUBJECT}\n"
        "since the update on Monday",
        b"Please help.\r\n",
    )
    parsed = parse_message(raw=raw)
    assert parsed.subject == f"{LONG_SUBJECT} since the update on Monday"
    assert parsed.text == "Please help."


def test_an_unindented_continuation_of_an_address_list_keeps_every_address() -> None:
    raw = _raw(
        "From: Carla <carla@acme.example>\nTo: support@helpdesk.example,\nboss@acme.example\nSubject: Printer",
    )
    parsed = parse_message(raw=raw)
    assert [a.email for a in parsed.to] == ["support@helpdesk.example", "boss@acme.example"]
    assert parsed.text == "Hello, my printer is broken."


def test_an_encoded_word_continued_on_an_unindented_line_is_decoded_whole() -> None:
    first, second = (base64.b64encode(part.encode()).decode() for part in ("چاپگر طبقه سوم ", "کار نمی‌کند"))
    raw = _raw(f"From: a@acme.example\nSubject: =?utf-8?b?{first}?=\n=?utf-8?b?{second}?=\nTo: s@helpdesk.example")
    assert parse_message(raw=raw).subject == "چاپگر طبقه سوم کار نمی‌کند"


@pytest.mark.parametrize(
    "envelope",
    [
        "From carla@acme.example  Mon Jun  3 10:15:00 2024",
        "From - Mon Jun  3 10:15:00 2024",
        ">From carla@acme.example Mon Jun  3 10:15:00 2024",
    ],
)
def test_an_mbox_from_line_before_the_headers_is_not_taken_for_a_header(envelope: str) -> None:
    raw = _raw(f"{envelope}\nReturn-Path: <carla@acme.example>\nFrom: Carla <carla@acme.example>\nSubject: Printer")
    parsed = parse_message(raw=raw)
    assert (parsed.from_email, parsed.from_name, parsed.subject) == ("carla@acme.example", "Carla", "Printer")
    assert parsed.text == "Hello, my printer is broken."


PERSIAN_LONG = "سلام، چاپگر طبقه سوم از دوشنبه هر صفحه را دو بار چاپ می‌کند و بعد کاغذ گیر می‌کند. " * 12


def test_an_encoded_word_longer_than_a_thousand_characters_is_decoded() -> None:
    word = base64.b64encode(PERSIAN_LONG.encode()).decode()
    assert len(word) > 2000
    parsed = parse_message(raw=_raw(f"From: =?utf-8?b?{word}?= <a@acme.example>\nSubject: =?utf-8?b?{word}?="))
    assert parsed.subject == PERSIAN_LONG.strip()
    assert parsed.from_name == PERSIAN_LONG.strip()


def test_a_long_quoted_printable_encoded_word_on_one_line_is_decoded() -> None:
    encoded = "".join(f"={byte:02X}" for byte in PERSIAN_LONG.encode())
    parsed = parse_message(raw=_raw(f"From: a@acme.example\nSubject: =?UTF-8?Q?{encoded}?="))
    assert parsed.subject == PERSIAN_LONG.strip()


def test_base64_words_split_in_the_middle_of_a_four_character_group_are_joined() -> None:
    encoded = base64.b64encode(PERSIAN_LONG.encode()).decode()
    # A mailer that folds every 30 characters, ignoring base64's 4-character groups.
    words = "\n ".join(f"=?utf-8?B?{encoded[i : i + 30]}?=" for i in range(0, len(encoded), 30))
    assert parse_message(raw=_raw(f"From: a@acme.example\nSubject: {words}")).subject == PERSIAN_LONG.strip()


# --- several From addresses, Sender, Reply-To -------------------------------------------------


@pytest.mark.parametrize(
    "from_header",
    [
        '"Nobody" <>, Real Person <real@acme.example>',
        "undisclosed-recipients:;, Real Person <real@acme.example>",
        "Real Person, Real Person <real@acme.example>",
        "broken@, Real Person <real@acme.example>, other@acme.example",
    ],
)
def test_of_several_from_addresses_the_first_valid_one_is_the_author(from_header: str) -> None:
    parsed = parse_message(raw=_raw(f"From: {from_header}\nSubject: Printer"))
    assert (parsed.from_email, parsed.from_name) == ("real@acme.example", "Real Person")


def test_of_several_from_mailboxes_the_one_sender_names_is_the_author() -> None:
    raw = _raw("From: Ann <ann@acme.example>, Bob <bob@acme.example>\nSender: bob@acme.example\nSubject: Printer")
    parsed = parse_message(raw=raw)
    assert (parsed.from_email, parsed.from_name) == ("bob@acme.example", "Bob")


def test_a_sender_that_is_not_among_the_from_mailboxes_does_not_replace_the_author() -> None:
    raw = _raw("From: Ann <ann@acme.example>\nSender: assistant@acme.example\nSubject: Printer")
    assert parse_message(raw=raw).from_email == "ann@acme.example"


def test_reply_to_that_differs_from_from_is_kept_apart_and_the_author_stays_the_sender() -> None:
    raw = _raw("From: Boss <boss@acme.example>\nReply-To: Assistant <assistant@acme.example>\nSubject: Printer")
    parsed = parse_message(raw=raw)
    assert (parsed.from_email, parsed.from_name) == ("boss@acme.example", "Boss")
    assert [(a.email, a.name) for a in parsed.reply_to] == [("assistant@acme.example", "Assistant")]


# --- spoofing through the display name --------------------------------------------------------


@pytest.mark.parametrize(
    "from_header",
    [
        '"customer@example.com <customer@example.com>" <attacker@evil.example>',
        '"customer@example.com" <attacker@evil.example>',
        "customer@example.com <attacker@evil.example>",
        "=?utf-8?q?customer=40example=2Ecom?= <attacker@evil.example>",
        '"customer\uff20example.com" <attacker@evil.example>',
    ],
)
def test_an_address_in_the_display_name_never_becomes_the_sender_nor_stays_in_the_name(from_header: str) -> None:
    parsed = parse_message(raw=_raw(f"From: {from_header}\nSubject: Re: [#33] Printer"))
    assert parsed.from_email == "attacker@evil.example"
    assert "customer" not in parsed.from_name


def test_a_display_name_with_an_angle_bracket_keeps_the_real_address() -> None:
    parsed = parse_message(raw=_raw('From: "Smith <Support>" <smith@acme.example>\nSubject: Printer'))
    assert (parsed.from_email, parsed.from_name) == ("smith@acme.example", "Smith <Support>")


def test_a_display_name_repeating_the_own_address_is_kept() -> None:
    parsed = parse_message(raw=_raw('From: "carla@acme.example" <carla@acme.example>\nSubject: Printer'))
    assert (parsed.from_email, parsed.from_name) == ("carla@acme.example", "carla@acme.example")


def test_address_lists_are_read_as_rfc_5322_quoted_commas_and_groups_included() -> None:
    value = '"Doe, Jane" <jane@acme.example>, Team: ann@acme.example, "Bob <x>" <bob@acme.example>;'
    assert [(a.email, a.name) for a in parse_address_list(value)] == [
        ("jane@acme.example", "Doe, Jane"),
        ("ann@acme.example", ""),
        ("bob@acme.example", "Bob <x>"),
    ]


# --- quoted history in HTML: the attribution line goes with it --------------------------------

HTML_REPLIES = {
    "persian gmail attribution with direction marks, no quote class": (
        '<div dir="rtl">ممنون، درست شد.</div><br><div dir="rtl">\u202bدر تاریخ دوشنبه ۱۴ خرداد ۱۴۰۳ ساعت ۱۰:۱۵'
        " Support &lt;\u202asupport@helpdesk.example\u202c\u200f&gt; نوشت:\u202c<br></div>"
        "<blockquote>لطفا چاپگر را ریست کنید.</blockquote>",
        "ممنون، درست شد.",
    ),
    "arabic gmail attribution without a verb of writing": (
        '<div dir="rtl">شكرا، تم الحل.</div><br><div dir="rtl">\u202bفي الاثنين، 3 يونيو 2024 في 10:15 ص تمت'
        " كتابة ما يلي بواسطة \u202aSupport\u202c\u200f &lt;\u202asupport@helpdesk.example\u202c\u200f&gt;:\u202c"
        "<br></div><blockquote>يرجى إعادة التشغيل.</blockquote>",
        "شكرا، تم الحل.",
    ),
    "apple mail attribution without a date right before the quote": (
        '<div>Works now.</div><div>Support wrote:</div><blockquote type="cite">Restart it.</blockquote>',
        "Works now.",
    ),
    "persian attribution without a date right before the quote": (
        '<div dir="rtl">درست شد.</div><div dir="rtl">پشتیبانی نوشت:</div><blockquote>ریست کنید.</blockquote>',
        "درست شد.",
    ),
    "japanese gmail attribution (date, name, address, colon)": (
        "<div>直りました。</div><div>2024年6月3日(月) 10:15 Support &lt;support@helpdesk.example&gt;:<br></div>"
        "<blockquote>再起動してください。</blockquote>",
        "直りました。",
    ),
    "mail.ru attribution (date, 'from' name, colon)": (
        "<p>Работает.</p><div>Понедельник, 3 июня 2024, 10:15 +03:00 от Support &lt;support@helpdesk.example&gt;:"
        "</div><blockquote>Перезапустите.</blockquote>",
        "Работает.",
    ),
    "zoho attribution between dashes": (
        "<div>Works.</div><div>---- On Mon, 03 Jun 2024 10:15:00 +0330 Support &lt;support@helpdesk.example&gt;"
        " wrote ----</div><blockquote>Restart.</blockquote>",
        "Works.",
    ),
    "german thunderbird moz-cite-prefix": (
        '<p>Geht jetzt.</p><div class="moz-cite-prefix">Am 03.06.24 um 10:15 schrieb Support:<br></div>'
        '<blockquote type="cite">Bitte neu starten.</blockquote>',
        "Geht jetzt.",
    ),
    "french attribution with a no-break space before the colon": (
        "<p>Ça marche.</p><div>Le lun. 3 juin 2024 à 10:15, Support &lt;support@helpdesk.example&gt; a écrit\u00a0:"
        "</div><blockquote>Redémarrez.</blockquote>",
        "Ça marche.",
    ),
    "spanish attribution": (
        "<p>Ya funciona.</p><p>El lun, 3 jun 2024 a las 10:15, Support (&lt;support@helpdesk.example&gt;)"
        " escribió:</p><blockquote>Reinicie.</blockquote>",
        "Ya funciona.",
    ),
    "english gmail_quote": (
        '<div dir="ltr">Thanks, that fixed it.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        "On Mon, 3 Jun 2024 at 10:15, Support &lt;support@helpdesk.example&gt; wrote:<br></div>"
        '<blockquote class="gmail_quote">Please restart the printer.</blockquote></div>',
        "Thanks, that fixed it.",
    ),
    "outlook arabic header block under a border": (
        '<div class="WordSection1"><p dir="rtl">تم.</p><div style="border:none;border-top:solid #E1E1E1 1.0pt">'
        '<p dir="rtl"><b>من:</b> Support &lt;support@helpdesk.example&gt;<br><b>تاريخ الإرسال:</b> الاثنين، 3'
        " يونيو 2024 10:15 ص<br><b>إلى:</b> عميل<br><b>الموضوع:</b> RE: [#33] طابعة</p></div>"
        "<p>يرجى إعادة التشغيل.</p></div>",
        "تم.",
    ),
    "outlook persian header block with names only": (
        '<p dir="rtl">انجام شد.</p><p dir="rtl"><b>از:</b> پشتیبانی<br><b>ارسال شده:</b> دوشنبه، ۱۴ خرداد ۱۴۰۳'
        " ۱۰:۱۵<br><b>به:</b> مشتری<br><b>موضوع:</b> RE: [#33] چاپگر</p><p>لطفا ریست کنید.</p>",
        "انجام شد.",
    ),
    "outlook english header block with names only": (
        "<p>Done.</p><p><b>From:</b> Support Team<br><b>Sent:</b> Monday, June 3, 2024 10:15 AM<br>"
        "<b>To:</b> Customer<br><b>Subject:</b> RE: [#33] Printer</p><p>Please restart.</p>",
        "Done.",
    ),
    "outlook spanish header block (Enviado el)": (
        "<p>Hecho.</p><hr><p><b>De:</b> Soporte<br><b>Enviado el:</b> lunes, 3 de junio de 2024 10:15<br>"
        "<b>Para:</b> Cliente<br><b>Asunto:</b> RE: [#33] Impresora</p><p>Reinicie.</p>",
        "Hecho.",
    ),
    "outlook turkish header block": (
        "<p>Tamam.</p><hr><p><b>Kimden:</b> Destek<br><b>Gönderildi:</b> 3 Haziran 2024 Pazartesi 10:15<br>"
        "<b>Kime:</b> Müşteri<br><b>Konu:</b> RE: [#33]</p><p>Yeniden başlatın.</p>",
        "Tamam.",
    ),
}


@pytest.mark.parametrize("html, visible", HTML_REPLIES.values(), ids=HTML_REPLIES.keys())
def test_quoted_html_history_leaves_no_attribution_line_behind(html: str, visible: str) -> None:
    assert extract_visible_text_from_html(html=html) == visible


def test_a_customer_sentence_ending_in_a_colon_before_their_own_list_is_kept() -> None:
    html = "<p>Since the update on Monday at 10:15 I see:</p><ul><li>paper jam</li><li>double pages</li></ul>"
    assert "I see:" in extract_visible_text_from_html(html=html)


def test_an_html_reply_mail_with_a_persian_attribution_keeps_only_the_new_text() -> None:
    html = HTML_REPLIES["persian gmail attribution with direction marks, no quote class"][0]
    raw = _raw(
        "From: a@acme.example\nSubject: Re: [#33]\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8",
        html.encode(),
    )
    assert parse_message(raw=raw).visible_text == "ممنون، درست شد."


# --- uuencode -------------------------------------------------------------------------------

UU_TEXT = "Hello, my printer is broken. سلام، چاپگر خراب است.\n"


def _uu(data: bytes, name: str = "report.txt") -> bytes:
    lines = [binascii.b2a_uu(data[i : i + 45]) for i in range(0, len(data), 45)]
    return f"begin 644 {name}\r\n".encode() + b"".join(lines).replace(b"\n", b"\r\n") + b"`\r\nend\r\n"


def test_a_body_in_x_uuencode_transfer_encoding_is_decoded() -> None:
    raw = _raw(
        "From: a@acme.example\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: x-uuencode",
        _uu(UU_TEXT.encode()),
    )
    assert parse_message(raw=raw).text == UU_TEXT.strip()


def test_a_uuencoded_file_inside_a_plain_text_body_becomes_an_attachment_and_leaves_the_reply() -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 3
    body = b"See the attached report.\r\n\r\n" + _uu(pdf, "report.pdf") + b"\r\nThe printer is on floor 3.\r\n"
    parsed = parse_message(raw=_raw("From: a@acme.example\nSubject: x", body))
    assert [(a.filename, a.content_type, a.payload) for a in parsed.attachments] == [
        ("report.pdf", "application/pdf", pdf)
    ]
    assert parsed.visible_text == "See the attached report.\n\nThe printer is on floor 3."
    assert "begin 644 report.pdf" in parsed.text  # the text as sent


def test_a_uuencoded_attachment_part_is_decoded() -> None:
    data = bytes(range(256)) * 2
    raw = _raw(
        'From: a@acme.example\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"',
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee file\r\n--b\r\n"
        b"Content-Type: application/octet-stream; name=data.bin\r\nContent-Transfer-Encoding: x-uue\r\n\r\n"
        + _uu(data, "data.bin")
        + b"--b--\r\n",
    )
    assert [(a.filename, a.payload) for a in parse_message(raw=raw).attachments] == [("data.bin", data)]


# --- legacy charsets under the wrong label ----------------------------------------------------

PERSIAN = "سلام، پشتيباني گرامي. چاپگر من کار نمي‌کند و خطا مي‌دهد."
ARABIC = "مرحبا، الطابعة لا تعمل منذ يوم الاثنين. شكرا لكم."
GERMAN = "Grüße aus München, die Straße ist naß. Schöne Größe – „Anführung“ € 5"
RUSSIAN = "Здравствуйте, принтер не работает уже второй день."


@pytest.mark.parametrize(
    "text, codec, label",
    [
        (PERSIAN, "utf-8", "us-ascii"),
        (PERSIAN, "utf-8", "iso-8859-1"),
        (PERSIAN, "cp1256", "iso-8859-1"),
        (ARABIC, "cp1256", "us-ascii"),
        (GERMAN, "cp1252", "utf-8"),
        (GERMAN, "cp1252", "windows-1256"),
        (ARABIC, "iso-8859-6", "windows-1256"),
        (RUSSIAN, "cp1251", "iso-8859-1"),
        (RUSSIAN, "cp1251", "utf-8"),
        (RUSSIAN, "koi8-r", "utf-8"),
        (RUSSIAN, "koi8-r", None),
    ],
)
def test_a_legacy_charset_under_the_wrong_label_is_read_as_what_it_is(text: str, codec: str, label: str | None) -> None:
    assert decode_bytes(text.encode(codec), label) == text


def test_a_mislabelled_body_in_a_mail_is_decoded_and_the_mail_still_parses() -> None:
    raw = _raw(
        "From: a@acme.example\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit",
        RUSSIAN.encode("cp1251"),
    )
    assert parse_message(raw=raw).text == RUSSIAN


@pytest.mark.parametrize("data", [bytes(range(256)), b"\xff\xfe\x00\x00" * 50, b"\x81\x8d\x8f\x90\x9d" * 20])
@pytest.mark.parametrize("label", [None, "utf-8", "us-ascii", "iso-8859-1", "windows-1256", "x-unknown"])
def test_decoding_never_raises_on_any_bytes(data: bytes, label: str | None) -> None:
    assert isinstance(decode_bytes(data, label), str)


def _fastest_parse(value: str) -> float:
    """The least of three timings of parse_address_list(value): the machine's busy spells only add."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        parse_address_list(value)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(
    "make",
    [lambda n: "=?x?q?" * n, lambda n: "=?utf-8?q?a" + "?" * (2 * n), lambda n: '"a" <b@c.example>, ' * (n // 2)],
    ids=["unterminated encoded words", "question marks", "many addresses"],
)
def test_a_hostile_address_header_is_read_in_linear_time(make) -> None:
    """Four times the header takes about four times as long (a quadratic reading would take sixteen):
    compared with itself, so a busy machine does not fail it as an absolute limit did."""
    small, large = _fastest_parse(make(6_000)), _fastest_parse(make(24_000))
    assert large < 10 * small + 0.05
