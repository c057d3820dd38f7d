"""Keeping an informant's contact out of free text: pure checks, no I/O.

The contact is a separate, sealed field of a lead; these checks stop it from being copied into text
that is stored in clear (events are kept forever and travel to every read model).

- ``mentions_contact(contact, text)``: the text repeats the contact, or a significant part of it (a
  phone number with or without +86, spaced or hyphenated, a WeChat id, an e-mail address). Used where
  the contact is known to the caller anyway: the submitter's description, the handler's reveal reason.
Personal data of anyone (phone numbers, e-mail addresses...) is kept out of every free-text field by
the kernel's guard, govgrid.privacy.FreeText.
"""

from __future__ import annotations

import re
import unicodedata

# Characters people put inside phone numbers and around ids; removed before comparing.
_SEPARATORS = re.compile(r"[\s\-()（）]+")
# A run that identifies someone on its own: digits, latin letters, _ . @ + (a WeChat id, a number...).
_IDENTIFIER = re.compile(r"[0-9a-z_.@+]+")
MIN_IDENTIFIER_LENGTH = 5
_COUNTRY_CODE = re.compile(r"^\+?86(?=1[3-9]\d{9}$)")


def normalised(text: str) -> str:
    """Full-width to ASCII, case folded, separators removed: "１３８-0013 8000" -> "13800138000"."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).casefold())


def identifiers(contact: str) -> frozenset[str]:
    """The parts of a contact that identify the informant on their own."""
    found: set[str] = set()
    for run in _IDENTIFIER.findall(normalised(contact)):
        run = run.strip("._+")
        found.add(_COUNTRY_CODE.sub("", run))
    return frozenset(part for part in found if len(part) >= MIN_IDENTIFIER_LENGTH)


def mentions_contact(contact: str, text: str) -> bool:
    flat_text = normalised(text)
    flat_contact = normalised(contact)
    if flat_contact and flat_contact in flat_text:
        return True
    return any(part in flat_text for part in identifiers(contact))
