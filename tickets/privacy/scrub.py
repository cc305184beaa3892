"""Finding and removing one person's strings (address, name, phone) in texts other people wrote.

Used by the erasure (tickets.privacy.erase) on the tickets the person was part of: agents' replies and
notes, referral notes, events and outbox rows may quote them.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.fields.files import FieldFile

from customers.models import Contact
from customers.services import phone_digits

ERASED = "[erased]"
MIN_NAME_CHARS = 3  # shorter names would match inside ordinary words
MIN_PHONE_DIGITS = 6


class Scrubber:
    """Replaces a contact's email address (by `email_to`), full name and phone (by ERASED), in any
    letter case; names match as whole words only."""

    def __init__(self, *, email: str, full_name: str, phone: str, email_to: str):
        self.email_to = email_to
        self._email = re.compile(re.escape(email), re.IGNORECASE) if email else None
        others = []
        name = full_name.strip()
        if len(name) >= MIN_NAME_CHARS:
            others.append(rf"(?<!\w){re.escape(name)}(?!\w)")
        if phone.strip():
            others.append(re.escape(phone.strip()))
        digits = phone_digits(phone)
        if len(digits) >= MIN_PHONE_DIGITS and digits != phone.strip():
            others.append(rf"(?<!\d){re.escape(digits)}(?!\d)")
        self._others = re.compile("|".join(others), re.IGNORECASE) if others else None

    @classmethod
    def for_contact(cls, contact: Contact, *, email_to: str) -> "Scrubber":
        return cls(email=contact.email or "", full_name=contact.full_name, phone=contact.phone, email_to=email_to)

    def text(self, value: str) -> str:
        if not value:
            return value
        if self._email is not None:
            value = self._email.sub(self.email_to, value)
        if self._others is not None:
            value = self._others.sub(ERASED, value)
        return value

    def json(self, value: Any) -> Any:
        """The same JSON value with every string (keys too) scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.json(item) for key, item in value.items()}
        return value


def scrub_rows(rows: Iterable, scrubber: Scrubber, *, text: tuple[str, ...] = (), json: tuple[str, ...] = ()) -> int:
    """Scrub the given fields of model rows, saving only the rows that changed; returns how many."""
    changed = 0
    for row in rows:
        fields = [name for name in text if _set(row, name, scrubber.text(getattr(row, name)))]
        fields += [name for name in json if _set(row, name, scrubber.json(getattr(row, name)))]
        if fields:
            row.save(update_fields=fields)
            changed += 1
    return changed


def _set(row, name: str, value) -> bool:
    if getattr(row, name) == value:
        return False
    setattr(row, name, value)
    return True


def delete_files_on_commit(files: Iterable[FieldFile]) -> None:
    """Delete stored files once the transaction that dropped their rows commits (a rollback keeps them)."""
    stored = [(f.storage, f.name) for f in files if f and f.name]

    def delete() -> None:
        for storage, name in stored:
            storage.delete(name)

    transaction.on_commit(delete)
