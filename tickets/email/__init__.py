"""The email channel. Pure parsing lives in ``parse``, ``reply``, ``loops`` and ``subject``;
threading and sending (which touch the database) build on ``ParsedEmail``."""

from .headers import Address, normalize_message_id
from .parse import Attachment, ParsedEmail, UnparseableEmail, parse_message, safe_filename
from .reply import extract_visible_text, extract_visible_text_from_html
from .subject import clean_subject, extract_ticket_id

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
