"""The email channel. Pure parsing lives in ``parse``, ``reply``, ``loops`` and ``subject``;
threading and sending (which touch the database) build on ``ParsedEmail``."""

from tickets.email.headers import Address, normalize_message_id
from tickets.email.parse import Attachment, ParsedEmail, UnparseableEmail, parse_message, safe_filename
from tickets.email.reply import extract_visible_text, extract_visible_text_from_html
from tickets.email.subject import clean_subject, extract_ticket_id

__all__ = [
    "Address",
    "Attachment",
    "ParsedEmail",
    "UnparseableEmail",
    "clean_subject",
    "extract_ticket_id",
    "extract_visible_text",
    "extract_visible_text_from_html",
    "normalize_message_id",
    "parse_message",
    "safe_filename",
]
