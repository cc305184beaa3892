"""The pure inbound-mail parsing layer: corpus expectations, charsets, MIME, loops, replies.

The corpus lives beside the repository in shared/corpus/email (see its README for the
expectation keys); every message in it runs through the parser, one test per file.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import unicodedata
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tickets.email import (
    UnparseableEmail,
    clean_subject,
    extract_ticket_id,
    extract_visible_text,
    extract_visible_text_from_html,
    normalize_message_id,
    parse_message,
    safe_filename,
)
from tickets.email.html import html_to_text

# Beside the repository (shared/ next to it); HELPDESK_EMAIL_CORPUS points elsewhere (a git worktree).
CORPUS = Path(
    os.environ.get("HELPDESK_EMAIL_CORPUS")
    or Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "email"
)
BODY_ONLY_FOLDERS = ("email-reply-parser", "talon/signature")


# --- corpus -----------------------------------------------------------------------------------


def _normalise(value: str) -> str:
    value = unicodedata.normalize("NFC", value or "")
    return re.sub(r"[ \t\r\n\f\v\u00a0]+", " ", value).strip()


def _normalise_email(value: str) -> str:
    value = (value or "").strip().lower()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    return value.rstrip(".")


def _unquote_name(value: str) -> str:
    value = _normalise(value)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()
    return value


def _corpus_messages() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        path
        for path in CORPUS.rglob("*")
        if path.is_file()
        and not path.name.endswith((".expect.json", ".md"))
        and "source-yml" not in path.relative_to(CORPUS).parts
    )


def _is_body_only(path: Path) -> bool:
    relative = path.relative_to(CORPUS).as_posix()
    return path.suffix == ".html" or (path.suffix == ".txt" and relative.startswith(BODY_ONLY_FOLDERS))


def _expectations(path: Path) -> dict:
    expect = path.with_name(path.name[: -len(path.suffix)] + ".expect.json") if path.suffix else None
    if expect and expect.exists():
        return json.loads(expect.read_text(encoding="utf-8"))
    return {}


def check_corpus_message(path: Path) -> list[tuple[str, bool, str]]:
    """Run one corpus file through the parser (or the reply stripper for body-only files)
    and check every expectation its .expect.json states: (key, passed, detail) per key."""
    expected = _expectations(path)
    raw = path.read_bytes()
    results: list[tuple[str, bool, str]] = []

    if _is_body_only(path):
        text = raw.decode("utf-8", errors="replace")
        visible = (
            extract_visible_text_from_html(html=text) if path.suffix == ".html" else extract_visible_text(text=text)
        )
        parsed = None
    else:
        try:
            parsed = parse_message(raw=raw)
        except UnparseableEmail as error:
            # Quarantine is an accepted outcome only for messages without expectations.
            return [("parse", not expected, f"quarantined: {error}")]
        visible = parsed.visible_text

    for key, value in expected.items():
        if key == "derived":
            continue
        if parsed is None and not key.startswith("visible_reply"):
            results.append((key, False, "body-only file cannot answer this key"))
            continue
        if key == "subject":
            got = _normalise(parsed.subject)
            results.append((key, got == _normalise(value), f"got {got!r}"))
        elif key == "from_email":
            got = parsed.from_email
            results.append((key, _normalise_email(got) == _normalise_email(value), f"got {got!r}"))
        elif key == "from_name":
            got = _unquote_name(parsed.from_name)
            results.append((key, got == _unquote_name(value), f"got {got!r}"))
        elif key in ("body_contains", "body_not_contains"):
            readings = [_normalise(parsed.text), _normalise(html_to_text(parsed.html or ""))]
            for needle in value:
                present = any(_normalise(needle) in reading for reading in readings)
                wanted = key == "body_contains"
                results.append((f"{key}: {needle[:40]!r}", present == wanted, f"body starts {readings[0][:200]!r}"))
        elif key == "attachments":
            found = [
                (unicodedata.normalize("NFC", a.original_filename), a.size, a.content_type.lower())
                for a in parsed.attachments
            ]
            for item in value:
                ok = any(
                    name == unicodedata.normalize("NFC", item["filename"])
                    and ("size" not in item or size == item["size"])
                    and ("content_type" not in item or ctype == item["content_type"].lower())
                    for name, size, ctype in found
                )
                results.append((f"attachment {item['filename']!r}", ok, f"got {found!r}"))
        elif key == "is_auto_reply":
            got = parsed.is_auto_generated
            results.append((key, got == value, f"got {got!r} ({parsed.auto_generated_reason})"))
        elif key == "visible_reply":
            results.append((key, _normalise(visible) == _normalise(value), f"got {visible!r}"))
        elif key == "visible_reply_contains":
            for needle in value:
                results.append((f"{key}: {needle!r}", _normalise(needle) in _normalise(visible), f"got {visible!r}"))
        elif key == "visible_reply_not_contains":
            for needle in value:
                ok = _normalise(needle) not in _normalise(visible)
                results.append((f"{key}: {needle!r}", ok, f"got {visible!r}"))
        else:
            results.append((key, False, "unknown expectation key: teach the test about it"))
    return results


_MESSAGES = _corpus_messages()
_PARAMS = [pytest.param(path, id=path.relative_to(CORPUS).as_posix()) for path in _MESSAGES] or [
    pytest.param(
        None,
        id="corpus-missing",
        marks=pytest.mark.skip(reason=f"email corpus not found at {CORPUS} (shared/ must sit beside the repo)"),
    )
]


@pytest.mark.parametrize("path", _PARAMS)
def test_corpus_message_meets_its_expectations(path: Path) -> None:
    results = check_corpus_message(path)
    failures = [f"{key}: {detail}" for key, ok, detail in results if not ok]
    assert not failures, "\n".join(failures)


# --- helpers ----------------------------------------------------------------------------------


def _raw_message(headers: str, body: bytes) -> bytes:
    """Literal bytes, for cases EmailMessage would refuse to produce (mislabelled charsets)."""
    head = headers.strip("\n").replace("\n", "\r\n").encode("ascii") + b"\r\n\r\n"
    return head + body


def _plain(text: str = "Hello, my printer is broken.", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Customer <customer@example.com>")
    message["To"] = headers.pop("To", "support@example.com")
    message["Subject"] = headers.pop("Subject", "Printer")
    message["Message-ID"] = headers.pop("Message_ID", "<m1@example.com>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


# --- charsets and encoded words ---------------------------------------------------------------

PERSIAN_1256 = "سلام، پشتيباني گرامي. چاپگر من کار نمي‌کند."  # Arabic yeh: windows-1256 has no ی
PERSIAN_ARABIC_ONLY = "سلام، درخواست شما ثبت شد"  # letters iso-8859-6 has


def test_windows_1256_persian_body_is_decoded() -> None:
    raw = _raw_message(
        "From: a@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=windows-1256",
        PERSIAN_1256.encode("cp1256"),
    )
    assert parse_message(raw=raw).text == PERSIAN_1256


def test_iso_8859_6_persian_body_is_decoded() -> None:
    raw = _raw_message(
        "From: a@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-6",
        PERSIAN_ARABIC_ONLY.encode("iso-8859-6"),
    )
    assert parse_message(raw=raw).text == PERSIAN_ARABIC_ONLY


@pytest.mark.parametrize("text", [PERSIAN_1256, "چاپگر کار نمي کند"])
def test_windows_1256_body_labelled_iso_8859_6_is_read_as_windows_1256(text: str) -> None:
    # Persian letters (پ چ گ ک) do not exist in iso-8859-6; clients still use the label.
    raw = _raw_message(
        "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=iso-8859-6", text.encode("cp1256")
    )
    assert parse_message(raw=raw).text == text


@pytest.mark.parametrize("label", ["us-ascii", "iso-8859-1"])
def test_windows_1256_body_mislabelled_as_western_is_detected(label: str) -> None:
    raw = _raw_message(
        f"From: a@example.com\nSubject: x\nContent-Type: text/plain; charset={label}",
        PERSIAN_1256.encode("cp1256"),
    )
    assert parse_message(raw=raw).text == PERSIAN_1256


@pytest.mark.parametrize("label", ["us-ascii", "iso-8859-1", "windows-1256"])
def test_utf8_body_mislabelled_is_read_as_utf8(label: str) -> None:
    text = "سلام، پشتیبانی گرامی"
    raw = _raw_message(f"From: a@example.com\nSubject: x\nContent-Type: text/plain; charset={label}", text.encode())
    assert parse_message(raw=raw).text == text


def test_windows_1256_body_mislabelled_as_utf8_is_read_as_windows_1256() -> None:
    raw = _raw_message(
        "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8", PERSIAN_1256.encode("cp1256")
    )
    assert parse_message(raw=raw).text == PERSIAN_1256


def test_latin1_body_keeps_its_accents() -> None:
    text = "Grüße aus Köln, à bientôt"
    raw = _raw_message(
        "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=iso-8859-1", text.encode("latin-1")
    )
    assert parse_message(raw=raw).text == text


def test_unknown_charset_label_falls_back_to_utf8() -> None:
    raw = _raw_message("From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=x-nonsense", "درود".encode())
    assert parse_message(raw=raw).text == "درود"


def test_utf8_body_with_a_stray_byte_keeps_the_rest_readable() -> None:
    body = "پشتیبانی محترم، لطفا کمک کنید".encode() + b"\xff"
    raw = _raw_message("From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8", body)
    assert parse_message(raw=raw).text.startswith("پشتیبانی محترم، لطفا کمک کنید")


def test_rfc2047_persian_subject_is_decoded() -> None:
    subject = "درخواست پشتیبانی برای چاپگر"
    encoded = subject.encode()
    # Split mid-character across two encoded words, as some clients do.
    first, second = encoded[:7], encoded[7:]
    header = f"=?UTF-8?B?{base64.b64encode(first).decode()}?=\n =?UTF-8?B?{base64.b64encode(second).decode()}?="
    raw = _raw_message(f"From: a@example.com\nSubject: {header}", b"body")
    assert parse_message(raw=raw).subject == subject


def test_rfc2047_windows_1256_q_encoded_subject_is_decoded() -> None:
    subject = "پاسخ: مشکل چاپگر"
    quoted = "".join(f"={b:02X}" if b > 127 or b in (0x3D, 0x3F, 0x5F) else chr(b) for b in subject.encode("cp1256"))
    raw = _raw_message(f"From: a@example.com\nSubject: =?windows-1256?Q?{quoted.replace(' ', '_')}?=", b"body")
    assert parse_message(raw=raw).subject == subject


def test_raw_utf8_header_bytes_are_decoded() -> None:
    raw = "From: مریم <maryam@example.com>\r\nSubject: سلام دنیا\r\n\r\nbody".encode()
    parsed = parse_message(raw=raw)
    assert (parsed.subject, parsed.from_name, parsed.from_email) == ("سلام دنیا", "مریم", "maryam@example.com")


def test_broken_encoded_words_do_not_crash() -> None:
    raw = _raw_message(
        "From: =?utf-8?B?!!!?= <a@example.com>\nSubject: =?bogus-charset?Q?caf=E9?= =?utf-8?B?2LPZhNin2YU?= =?utf-8?Q?",
        b"body",
    )
    parsed = parse_message(raw=raw)
    assert parsed.from_email == "a@example.com"
    assert "سلام" in parsed.subject


# --- MIME structure -----------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"


def _nested_message() -> bytes:
    message = EmailMessage()
    message["From"] = "Sara Ahmadi <sara@example.com>"
    message["To"] = "support@example.com"
    message["Subject"] = "Screenshot and invoice"
    message["Message-ID"] = "<nested@example.com>"
    message.set_content("See the screenshot and the invoice.")
    message.add_alternative(
        '<p>See the <b>screenshot</b>:</p><img src="cid:shot@example.com"><p>and the invoice.</p>',
        subtype="html",
    )
    html_part = message.get_payload()[1]
    html_part.add_related(PNG, maintype="image", subtype="png", cid="<shot@example.com>", filename="shot.png")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="invoice.pdf")
    return message.as_bytes()


def test_nested_multipart_gives_text_html_inline_image_and_pdf() -> None:
    raw = _nested_message()
    assert b"multipart/mixed" in raw and b"multipart/alternative" in raw and b"multipart/related" in raw
    parsed = parse_message(raw=raw)
    assert parsed.text == "See the screenshot and the invoice."
    assert parsed.html is not None and 'src="cid:shot@example.com"' in parsed.html
    by_name = {a.filename: a for a in parsed.attachments}
    image, pdf = by_name["shot.png"], by_name["invoice.pdf"]
    assert (image.content_type, image.content_id, image.is_inline, image.payload) == (
        "image/png",
        "shot@example.com",
        True,
        PNG,
    )
    assert (pdf.content_type, pdf.is_inline, pdf.payload, pdf.size) == ("application/pdf", False, PDF, len(PDF))


def test_html_only_message_gets_a_text_body() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["Subject"] = "html"
    message.set_content("<div>Hello <b>team</b>,<br>line two &amp; more</div><p>Para</p>", subtype="html")
    parsed = parse_message(raw=message.as_bytes())
    assert parsed.text == "Hello team,\nline two & more\n\nPara"
    assert parsed.visible_text == parsed.text


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\boot.ini", "boot.ini"),
        ("/abs/path/report.pdf", "report.pdf"),
        ("..", "attachment.pdf"),
        ("bad\x00na\x07me<>.pdf", "badna_me__.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("فاکتور خرید.pdf", "فاکتور خرید.pdf"),
    ],
)
def test_attachment_file_name_is_sanitized(name: str, safe: str) -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["Subject"] = "file"
    message.set_content("see attached")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename=name)
    attachment = parse_message(raw=message.as_bytes()).attachments[0]
    assert attachment.filename == safe
    assert attachment.original_filename.replace("\x00", "") == name.replace("\x00", "")


def test_long_file_name_is_cut_to_200_bytes_keeping_the_extension() -> None:
    name = safe_filename(name="گزارش" * 60 + ".pdf")
    assert len(name.encode()) <= 200 and name.startswith("گزارش") and name.endswith(".pdf")


def test_rfc2231_persian_file_name_is_decoded() -> None:
    raw = _raw_message(
        'From: a@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"',
        b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=UTF-8''%D9%81%D8%A7%DA%A9%D8%AA%D9%88%D8%B1.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n--b--\r\n",
    )
    attachment = parse_message(raw=raw).attachments[0]
    assert (attachment.filename, attachment.payload) == ("فاکتور.pdf", b"%PDF")


def test_html_body_loses_scripts_event_handlers_and_javascript_links() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["Subject"] = "xss"
    message.set_content(
        '<p onclick="steal()">Hi</p><script>alert(1)</script>'
        '<img src="x" onerror="alert(2)"><img src="cid:logo@x">'
        '<a href="javascript:alert(3)">click</a><a href="https://example.com/help">help</a>'
        '<iframe src="https://evil.example"></iframe><div style="position:fixed;color:red">styled</div>',
        subtype="html",
    )
    parsed = parse_message(raw=message.as_bytes())
    html = parsed.html or ""
    for forbidden in ("<script", "alert(1)", "onerror", "onclick", "javascript:", "<iframe", "position"):
        assert forbidden not in html
    assert 'src="cid:logo@x"' in html
    assert 'href="https://example.com/help"' in html
    assert "color:red" in html.replace(" ", "")
    assert "alert" not in parsed.text


def test_forwarded_message_attachment_keeps_its_exact_bytes() -> None:
    inner = b"From: x@example.com\r\nSubject: original\r\n\r\nOriginal body\r\n"
    raw = _raw_message(
        'From: a@example.com\nSubject: Fwd\nContent-Type: multipart/mixed; boundary="outer"',
        b"--outer\r\nContent-Type: text/plain\r\n\r\nPlease look at this.\r\n--outer\r\n"
        b"Content-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--outer--\r\n",
    )
    parsed = parse_message(raw=raw)
    assert parsed.text == "Please look at this."
    (attachment,) = parsed.attachments
    assert (attachment.content_type, attachment.payload) == ("message/rfc822", inner)


# --- headers ------------------------------------------------------------------------------------


def test_message_ids_references_and_reply_to_are_read() -> None:
    raw = _plain(
        Message_ID="  <abc.123@Mail.Example.COM>  ",
        In_Reply_To="<prev@example.com> (Sara's message of Monday)",
        References="<first@example.com> <prev@example.com>",
        Reply_To='"Support Team" <team@example.com>, other@example.com',
        Cc="Ali <ali@example.com>, =?utf-8?B?2LHYttin?= <reza@example.com>",
    )
    parsed = parse_message(raw=raw)
    assert parsed.message_id == "abc.123@Mail.Example.COM"
    assert parsed.in_reply_to == "prev@example.com"
    assert parsed.references == ("first@example.com", "prev@example.com")
    assert [a.email for a in parsed.reply_to] == ["team@example.com", "other@example.com"]
    assert [(a.name, a.email) for a in parsed.cc] == [("Ali", "ali@example.com"), ("رضا", "reza@example.com")]
    assert [a.email for a in parsed.to] == ["support@example.com"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<abc@host>", "abc@host"),
        ("  <ABC@Host.COM>\r\n ", "ABC@Host.COM"),
        ("abc@host", "abc@host"),
        ("<abc\r\n @host>", "abc@host"),
        ("", None),
        ("<>", None),
    ],
)
def test_message_id_is_normalized(value: str, expected: str | None) -> None:
    assert normalize_message_id(value=value) == expected


def test_date_is_aware_and_missing_zone_means_utc() -> None:
    assert parse_message(raw=_plain(Date="Tue, 7 Apr 2026 10:00:01 +0330")).date == dt.datetime(
        2026, 4, 7, 6, 30, 1, tzinfo=dt.UTC
    )
    assert parse_message(raw=_plain(Date="Tue, 7 Apr 2026 10:00:01 -0000")).date == dt.datetime(
        2026, 4, 7, 10, 0, 1, tzinfo=dt.UTC
    )
    assert parse_message(raw=_plain(Date="whenever")).date is None


def test_sender_without_usable_address_falls_back_to_reply_to() -> None:
    raw = _raw_message('From: "Shop" <>\nReply-To: <orders@shop.example>\nSubject: x', b"body")
    parsed = parse_message(raw=raw)
    assert (parsed.from_email, parsed.from_name) == ("orders@shop.example", "Shop")


def test_encoded_word_in_the_local_part_cannot_change_the_domain() -> None:
    raw = _raw_message("From: =?utf-8?Q?victim=40evil.example?=@victim.example\nSubject: x", b"body")
    parsed = parse_message(raw=raw)
    assert parsed.from_email.endswith("@victim.example")
    assert "evil.example@" not in parsed.from_email


def test_comment_is_the_display_name_when_there_is_no_phrase() -> None:
    raw = _raw_message("From: sara@example.com (Sara Ahmadi)\nSubject: x", b"body")
    parsed = parse_message(raw=raw)
    assert (parsed.from_email, parsed.from_name) == ("sara@example.com", "Sara Ahmadi")


def test_all_top_level_headers_are_kept_decoded() -> None:
    parsed = parse_message(raw=_plain(X_Original_To="billing@example.com", Subject="=?utf-8?B?2LPZhNin2YU=?="))
    assert parsed.header("x-original-to") == "billing@example.com"
    assert parsed.header("SUBJECT") == "سلام"
    assert parsed.header("x-missing") is None


# --- automatic mail -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "reason_contains"),
    [
        ({"Auto_Submitted": "auto-replied"}, "Auto-Submitted"),
        ({"Auto_Submitted": "auto-generated (warning)"}, "Auto-Submitted"),
        ({"Precedence": "bulk"}, "Precedence: bulk"),
        ({"Precedence": "junk"}, "Precedence: junk"),
        ({"Precedence": "list"}, "Precedence: list"),
        ({"X_Autoreply": "yes"}, "x-autoreply"),
        ({"X_Autorespond": "Out of office"}, "x-autorespond"),
        ({"X_Auto_Response_Suppress": "All"}, "x-auto-response-suppress"),
        ({"List_Id": "<users.lists.example.com>"}, "list-id"),
        ({"List_Unsubscribe": "<mailto:leave@lists.example.com>"}, "list-unsubscribe"),
        ({"Return_Path": "<>"}, "Return-Path"),
        ({"From": "MAILER-DAEMON@mx.example.com"}, "mail system"),
        ({"From": "Mail System <postmaster@example.com>"}, "mail system"),
    ],
)
def test_automatic_mail_is_detected(headers: dict[str, str], reason_contains: str) -> None:
    parsed = parse_message(raw=_plain("I am out of the office until Monday.", **headers))
    assert parsed.is_auto_generated
    assert reason_contains.lower() in parsed.auto_generated_reason.lower()


def test_auto_submitted_no_is_a_person() -> None:
    assert not parse_message(raw=_plain(Auto_Submitted="no")).is_auto_generated


def test_plain_customer_reply_is_not_auto_generated() -> None:
    raw = _plain(
        "Thanks, that fixed it!\n\nOn Mon, 6 Apr 2026 at 09:12, Support <support@example.com> wrote:\n> Please restart.",
        Subject="Re: [#42] Printer",
        In_Reply_To="<t42@example.com>",
        Return_Path="<customer@example.com>",
    )
    parsed = parse_message(raw=raw)
    assert (parsed.is_auto_generated, parsed.auto_generated_reason, parsed.is_bounce) == (False, "", False)
    assert parsed.visible_text == "Thanks, that fixed it!"


def test_delivery_status_notification_is_a_bounce() -> None:
    raw = _raw_message(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\nTo: support@example.com\n"
        "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"',
        b"--dsn\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--dsn\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
        b"Final-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--dsn\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: support@example.com\r\nSubject: [#7] Hi\r\n"
        b"--dsn--\r\n",
    )
    parsed = parse_message(raw=raw)
    assert parsed.is_bounce and parsed.is_auto_generated
    assert "delivery status" in parsed.auto_generated_reason
    assert parsed.text == "Your message could not be delivered."
    status = next(a for a in parsed.attachments if a.content_type == "message/delivery-status")
    assert b"Status: 5.1.1" in status.payload


# --- never crash --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        bytes(range(256)) * 8,
        b"\x00" * 100,
        b"\xff\xfe\x00garbage\x00\x01\x02" * 50,
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n",
        b"From: \r\nTo: \r\nSubject:\r\nContent-Type: ;;;==\r\n\r\n",
        b"Subject: =?utf-8?B?" + b"A" * 5000 + b"\r\n\r\nx",
        b"Subject: " + b"=?a?q?" * 5000 + b"\r\n\r\nx",
        b"just some text without any headers",
        b'From: a@example.com\r\nContent-Type: text/plain; charset="\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!',
        b"From: a@example.com\r\nContent-Type: message/rfc822\r\n\r\nnot really a message",
    ],
    ids=lambda raw: repr(raw[:20]),
)
def test_garbage_bytes_do_not_crash(raw: bytes) -> None:
    try:
        parsed = parse_message(raw=raw)
    except UnparseableEmail:
        return
    assert isinstance(parsed.text, str) and isinstance(parsed.visible_text, str)


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n  "])
def test_empty_input_is_unparseable(raw: bytes) -> None:
    with pytest.raises(UnparseableEmail):
        parse_message(raw=raw)


def test_binary_noise_without_headers_is_unparseable() -> None:
    with pytest.raises(UnparseableEmail):
        parse_message(raw=bytes(range(32)) * 64)


def test_deeply_nested_multipart_does_not_crash() -> None:
    depth = 300
    head = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level) for level in range(depth)
    )
    tail = b"".join(b"\r\n--b%d--\r\n" % level for level in reversed(range(depth)))
    raw = b"From: a@example.com\r\nSubject: deep\r\n" + head + b"Content-Type: text/plain\r\n\r\ndeep text" + tail
    parsed = parse_message(raw=raw)
    assert parsed.subject == "deep"


def test_headers_only_message_has_an_empty_body() -> None:
    parsed = parse_message(raw=b"From: a@example.com\r\nSubject: only headers\r\n")
    assert (parsed.subject, parsed.text, parsed.html, parsed.attachments) == ("only headers", "", None, ())


def test_message_without_headers_is_read_as_text() -> None:
    parsed = parse_message(raw="سلام، این یک پیام بدون سرآیند است".encode())
    assert parsed.text == "سلام، این یک پیام بدون سرآیند است"
    assert parsed.from_email == ""


def test_parse_message_is_keyword_only_and_wants_bytes() -> None:
    with pytest.raises(TypeError):
        parse_message(_plain())  # type: ignore[misc]
    with pytest.raises(TypeError):
        parse_message(raw="text")  # type: ignore[arg-type]


@settings(
    max_examples=150, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.one_of(
        st.binary(max_size=3000),
        st.lists(
            st.sampled_from(
                [
                    b"From: a@example.com\r\n",
                    b"Subject: =?utf-8?B?2LPZhNin2YU=?=\r\n",
                    b'Content-Type: multipart/mixed; boundary="x"\r\n',
                    b"Content-Type: text/html; charset=windows-1256\r\n",
                    b"Content-Transfer-Encoding: base64\r\n",
                    b"Content-Transfer-Encoding: quoted-printable\r\n",
                    b"\r\n",
                    b"--x\r\n",
                    b"--x--\r\n",
                    b"<p onclick=x>hi</p>\r\n",
                    b"\xd3\xe1\xc7\xe3 =E2=99=9A\r\n",
                    b"> quoted\r\n",
                    b"On Mon, 1 Jan 2024, A <a@b.c> wrote:\r\n",
                    b"Content-Disposition: attachment; filename*=utf-8''%2E%2E%2Fx\r\n",
                ]
            ),
            max_size=40,
        ).map(b"".join),
    )
)
def test_any_bytes_either_parse_or_are_quarantined(raw: bytes) -> None:
    try:
        parsed = parse_message(raw=raw)
    except UnparseableEmail:
        return
    assert isinstance(parsed.text, str)
    assert parsed.html is None or not re.search(r"<[^>]*\son\w+\s*=|<script", parsed.html, re.IGNORECASE)
    for attachment in parsed.attachments:
        assert "/" not in attachment.filename and "\\" not in attachment.filename
        assert attachment.filename not in ("", ".", "..")


# --- subjects -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "ticket_id"),
    [
        ("[#123] Printer broken", 123),
        ("Re: [#123] Printer broken", 123),
        ("Re: Fwd: [#123] Printer broken", 123),
        ("RE: AW: [#123] Printer broken", 123),
        ("Printer broken [#123]", 123),
        ("Re: Printer broken [Ticket #123]", 123),
        ("AW: [Ticket#123] Drucker", 123),
        ("[# 123] spaced", 123),
        ("پاسخ: [#۱۲۳] چاپگر", 123),
        ("پاسخ: [#123] چاپگر خراب است", 123),
        ("[EXTERNAL] Re: [#77] VPN", 77),
        ("Order #123 is late", None),
        ("[#] empty", None),
        ("[#0] zero", None),
        ("", None),
    ],
)
def test_ticket_id_is_found_in_the_subject_tag(subject: str, ticket_id: int | None) -> None:
    assert extract_ticket_id(subject=subject) == ticket_id


@pytest.mark.parametrize(
    ("subject", "cleaned"),
    [
        ("Re: Fwd: [#123] Printer broken", "Printer broken"),
        ("RE: AW: WG: SV: VS: Antw: Printer", "Printer"),
        ("FW: Réf: Tr: invoice", "invoice"),
        ("Re[2]: Re: hello", "hello"),
        ("پاسخ: ارسال مجدد: [#12] چاپگر خراب است", "چاپگر خراب است"),
        ("Printer broken [#123]", "Printer broken"),
        ("Re: Printer broken [Ticket #123]", "Printer broken"),
        ("Research results", "Research results"),
        ("Fwdx: not a prefix", "Fwdx: not a prefix"),
    ],
)
def test_clean_subject_removes_reply_prefixes_and_the_tag(subject: str, cleaned: str) -> None:
    assert clean_subject(subject=subject) == cleaned


# --- visible text of replies --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        (
            "Works now.\n\nOn Mon, Apr 6, 2026 at 9:12 AM Support Team <support@example.com>\nwrote:\n\n> Restart it.",
            "Works now.",
        ),
        ("Works now.\n\nOn 2026-04-06, Support wrote:\n> Restart it.", "Works now."),
        ("Danke!\n\nAm 06.04.2026 um 09:12 schrieb Support <support@example.com>:\n> Bitte neu starten.", "Danke!"),
        ("Merci !\n\nLe lun. 6 avr. 2026 à 09:12, Support <s@example.com> a écrit :\n> Redémarrez.", "Merci !"),
        (
            "ممنون، درست شد.\n\nدر تاریخ دوشنبه ۶ آوریل ۲۰۲۶ ساعت ۹:۱۲ Support <s@example.com> نوشت:\n> لطفا ری‌استارت کنید.",
            "ممنون، درست شد.",
        ),
        (
            "Fixed.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nSubject: Printer\n\nRestart it.",
            "Fixed.",
        ),
        (
            "Fixed.\n\nFrom: Support [mailto:support@example.com]\nSent: Monday, April 6, 2026 9:12 AM\nTo: Sara\nSubject: RE: Printer\n\nRestart it.",
            "Fixed.",
        ),
        (
            "Fixed.\n________________________________\nFrom: Support <support@example.com>\nSent: Monday\nTo: Sara\nSubject: Printer",
            "Fixed.",
        ),
        (
            "See below.\n\n---------- Forwarded message ---------\nFrom: Boss <b@example.com>\nDate: Mon\nSubject: x\n\nOld text",
            "See below.",
        ),
        ("See below.\n\nBegin forwarded message:\n\nFrom: Boss <b@example.com>\nSubject: x\n\nOld text", "See below."),
        ("Thanks!\n\n-- \nSara Ahmadi\nAcme Ltd", "Thanks!"),
        ("Thanks!\n\nSent from my iPhone", "Thanks!"),
        ("Thanks!\n\nارسال شده از iPhone من", "Thanks!"),
        ("Thanks!\n\nGet Outlook for Android", "Thanks!"),
        ("Sent from my desk, which is better than my phone.", "Sent from my desk, which is better than my phone."),
        (
            "First answer.\n\nOn Mon, Apr 6, 2026, Support wrote:\n> Question one?\n\nSecond answer.\n\n> Question two?",
            "First answer.\n\nSecond answer.",
        ),
        ("Please help.\n\nJohn Smith\n+1 555 123 4567\njohn@example.com", "Please help."),
        ("Please help.\n\nThank you,\nNoam", "Please help."),
        ("Please help.\n\nبا تشکر\nعلی رضایی", "Please help."),
        ("> only a quote\n> nothing new", "> only a quote\n> nothing new"),
        ("-- \njust a signature", "--\njust a signature"),
        (
            "On your remote host you can run:\n\n    telnet 127.0.0.1\n\nThat should work.",
            "On your remote host you can run:\n\n    telnet 127.0.0.1\n\nThat should work.",
        ),
    ],
)
def test_visible_text_drops_quoted_history_and_signatures(text: str, visible: str) -> None:
    assert extract_visible_text(text=text) == visible


@pytest.mark.parametrize(
    "text",
    [
        "Flight change please.\n\nFrom: Tehran\nDate: May 12\nTo: Paris",
        "On Monday I wrote:\n\nthe printer still jams.",
        "Can you match this?\n\nBest price is 5 dollars",
        "Here are my details.\n\nMy order: 12345678\nEmail: me@example.com",
        "The parcel arrived.\n\nSent with DHL yesterday",
        "Data below:\n__________\nrow 1\nrow 2\nrow 3\nrow 4\nrow 5\nrow 6\nrow 7\nrow 8",
    ],
)
def test_customer_text_that_only_looks_like_history_is_kept(text: str) -> None:
    assert extract_visible_text(text=text) == text


def test_visible_text_of_html_reply_drops_gmail_and_outlook_quotes() -> None:
    gmail = (
        '<div dir="ltr">Thanks, works now.</div><br><div class="gmail_quote"><div class="gmail_attr">'
        'On Mon, Apr 6, 2026 at 9:12 AM Support wrote:<br></div><blockquote class="gmail_quote">Restart it.'
        "</blockquote></div>"
    )
    outlook = (
        '<p>Fixed, thank you.</p><div id="divRplyFwdMsg"><b>From:</b> Support<br><b>Sent:</b> Monday</div>'
        "<div>Restart it.</div>"
    )
    blockquote = "<p>Yes.</p><blockquote>Did it work?</blockquote>"
    outlook_desktop = (
        '<div class="WordSection1"><p>Done.</p><div style="border:none;border-top:solid #E1E1E1 1.0pt">'
        "<p><b>From:</b> Support<br><b>Sent:</b> Monday, April 6, 2026<br><b>Subject:</b> Printer</p></div>"
        "<p>Restart it.</p></div>"
    )
    assert extract_visible_text_from_html(html=outlook_desktop) == "Done."
    assert extract_visible_text_from_html(html=gmail) == "Thanks, works now."
    assert extract_visible_text_from_html(html=outlook) == "Fixed, thank you."
    assert extract_visible_text_from_html(html=blockquote) == "Yes."


def test_parsed_reply_exposes_the_visible_part_and_the_full_text() -> None:
    body = "Still broken.\n\nOn Mon, 6 Apr 2026 at 09:12, Support <support@example.com> wrote:\n> Restart it."
    parsed = parse_message(raw=_plain(body, Subject="Re: [#42] Printer"))
    assert parsed.visible_text == "Still broken."
    assert parsed.text == body
