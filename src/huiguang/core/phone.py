"""Mainland China mobile numbers: 11 digits, 1[3-9]xxxxxxxxx; +86 / 86 prefixes accepted."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
SEPARATORS = re.compile(r"[\s\-()]")


def normalize_phone(raw: str) -> str:
    if len(raw or "") == 11 and raw[0] == "1" and raw.isascii() and raw.isdigit():
        return raw  # the usual spelling (every row of an import): nothing to remove
    phone = SEPARATORS.sub("", raw or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    elif len(phone) == 13 and phone.startswith("86"):
        phone = phone[2:]
    return phone


def validate_mobile(raw: str) -> str:
    phone = normalize_phone(raw)
    if not MOBILE_RE.match(phone):
        raise ValidationError(
            _("Enter a mainland China mobile number: 11 digits starting with 13–19."), code="phone"
        )
    return phone
