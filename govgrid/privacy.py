"""Personal data in free text: the one guard every free-text field of every service goes through.

Events are kept forever and travel to every read model, so a note, a summary or a reason must not
carry a phone number, an e-mail address, a resident ID number or a bank card number. ``FreeText`` is
the type of every such field (with a ``Field(max_length=...)`` of its own); it answers 422 with the
field and what was found, never the value.

What counts (after NFKC, so full-width digits and ``＋（）－`` count like ASCII):

- mainland mobile numbers ``1[3-9]`` + 9 digits, written whole or in groups (``138 0013 8000``,
  ``138-0013-8000``), with or without ``+86``, ``(+86)``, ``86`` or ``0086``;
- landlines with their area code (``0898-2332 1234``, ``(0898)23321234``, ``010-12345678``, and
  ``+86 898 2332 1234`` without the trunk 0). A local number without area code is let through: eight
  digits alone are as often an amount or a count;
- e-mail addresses;
- 18-character resident ID numbers whose check digit (GB 11643, ISO 7064 MOD 11-2) is right;
- bank card numbers: 16 to 19 digits that pass the Luhn check.

What passes: dates in any usual notation (their groups of two digits never join a number), amounts,
counts, and case or certificate numbers glued to letters (``DZ-2023-0042``, ``J4604002023090112345``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

# A run of digits in groups, as people write numbers: "138 0013 8000", "(0898)2332-1234", "…123X".
# Runs glued to latin letters are identifiers (case and certificate numbers), not personal data.
_NUMBER_RUN = re.compile(r"(?<![0-9A-Za-z])\d+(?:[ \-()]{1,3}\d+)*[Xx]?(?![0-9A-Za-z])")
_GROUP = re.compile(r"\d+[Xx]?")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0[1-9]\d{8,10}")  # 0 + a 2-3 digit area code + a 7-8 digit local number
_LANDLINE_WITHOUT_TRUNK = re.compile(r"[1-9]\d{8,10}")  # after +86 the trunk 0 is dropped
_RESIDENT_ID = re.compile(r"\d{17}[\dX]")
_BANK_CARD = re.compile(r"\d{16,19}")
# Starts only where a local part starts: trying every position inside a long run would be quadratic.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A group after the first is part of the same number only with 3 digits or more: numbers are
# written in groups of 3 or 4, dates in groups of 2 ("2023-09-01" is never a number).
_MIN_INNER_GROUP = 3
_SHORTEST_NUMBER = 10  # a landline: 0, a 2-digit area code, 7 digits
_LONGEST_NUMBER = 4 + 19
_COUNTRY_CODES = ("86", "0086")  # "0086" and the longest card number

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARACTERS = "10X98765432"

PHONE_NUMBER = "phone number"
EMAIL_ADDRESS = "e-mail address"
RESIDENT_ID_NUMBER = "resident ID number"
BANK_CARD_NUMBER = "bank card number"


def personal_data_in(text: str) -> str | None:
    """The kind of personal data ``text`` carries (the first one found), or None."""
    flat = unicodedata.normalize("NFKC", text)
    if _EMAIL.search(flat):
        return EMAIL_ADDRESS
    for run in _NUMBER_RUN.finditer(flat):
        international = flat[: run.start()].rstrip("(").endswith("+")
        groups = _GROUP.findall(run.group())
        for first in range(len(groups)):
            digits = ""
            for position in range(first, len(groups)):
                group = groups[position]
                # Beijing's area code 10 and the like follow the country code in a group of two.
                if position > first and len(group) < _MIN_INNER_GROUP and digits not in _COUNTRY_CODES:
                    break
                digits += group.upper()
                if len(digits) > _LONGEST_NUMBER:
                    break
                if len(digits) < _SHORTEST_NUMBER:
                    continue
                kind = _kind_of_number(digits, international and first == 0)
                if kind is not None:
                    return kind
    return None


def _kind_of_number(digits: str, international: bool) -> str | None:
    if _RESIDENT_ID.fullmatch(digits):
        return RESIDENT_ID_NUMBER if _resident_id_check_is_right(digits) else None
    if "X" in digits:
        return None
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits) or _with_country_code(digits, international):
        return PHONE_NUMBER
    if _BANK_CARD.fullmatch(digits) and _luhn_is_right(digits):
        return BANK_CARD_NUMBER
    return None


def _with_country_code(digits: str, international: bool) -> bool:
    """A phone number after 86 or 0086."""
    for prefix in reversed(_COUNTRY_CODES):
        if digits.startswith(prefix):
            national = digits[len(prefix) :]
            if _MOBILE.fullmatch(national):
                return True
            # "86" in front of a landline is read as a country code only when written "+86" or "0086".
            if (international or prefix == "0086") and _LANDLINE_WITHOUT_TRUNK.fullmatch(national):
                return True
    return False


def _resident_id_check_is_right(number: str) -> bool:
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARACTERS[total % 11] == number[17]


def _luhn_is_right(digits: str) -> bool:
    total = 0
    for position, character in enumerate(reversed(digits)):
        digit = int(character)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def no_personal_data(text: str) -> str:
    kind = personal_data_in(text)
    if kind is not None:
        # The value is never echoed: the error would carry the very data we keep out.
        raise ValueError(
            f"contains what looks like a {kind}: free text is kept for good, leave personal data out"
        )
    return text


# Every free-text field of every command, each with its own limit:
# ``note: FreeText = Field(default="", max_length=500)`` (a limit inside the type would override the
# field's own; a test checks that every command's FreeText field has one).
FreeText = Annotated[str, AfterValidator(no_personal_data)]
